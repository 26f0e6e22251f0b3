import type { ErpnextClient } from '../src/erpnext/client';
import { ErpnextError } from '../src/erpnext/errors';
import { createCustomers } from '../src/erpnext/resources/customers';
import { createItems } from '../src/erpnext/resources/items';
import { createPaymentEntries } from '../src/erpnext/resources/payment-entries';
import { createSalesInvoices, moodleEnrolmentField, type SalesInvoice, type SalesInvoiceRow } from '../src/erpnext/resources/sales-invoices';
import { isoDatePlusDays, type ElectiveCourse, type InvoiceState } from '../src/mapping/electives';
import { withFailureMapping } from './failure';

/** Who an invoice is addressed to: the Student and the Customer ERPNext bills. */
export interface BillingParty {
  student: string;
  customer: string;
  /** For the e-mail notification; absent when the Student has none. */
  email?: string;
}

export type WithdrawalAction = 'deleted-draft' | 'credit-note' | 'reported' | 'already-cancelled';

const isNotFound = (err: unknown) => err instanceof ErpnextError && err.status === 404;

function stateOf(invoice: SalesInvoice | SalesInvoiceRow): InvoiceState {
  return {
    name: invoice.name,
    docstatus: invoice.docstatus,
    status: invoice.status ?? '',
    grandTotal: invoice.grand_total ?? 0,
    outstanding: invoice.outstanding_amount ?? 0,
  };
}

/**
 * ERPNext's side of the money processes: the billing party, the elective's Sales Invoice, its
 * withdrawal, Moodle's own payments, and the registration fee that gates onboarding. Every write
 * looks first, so a retried activity (or the second trigger path) never bills twice.
 */
export function createErpnextBillingActivities(erp: ErpnextClient) {
  const invoices = createSalesInvoices(erp);
  const customers = createCustomers(erp);
  const payments = createPaymentEntries(erp);
  const items = createItems(erp);

  return withFailureMapping({
    /**
     * The Student (Moodle idnumber = Student name) and its Customer, creating the Customer as
     * Education does when it is missing. Null when no Student has that name: reported, not billed.
     */
    async erpnextBillingParty(input: { studentId: string }): Promise<BillingParty | null> {
      let student;
      try {
        student = await customers.student(input.studentId);
      } catch (err) {
        if (isNotFound(err)) return null;
        throw err;
      }
      let customer = student.customer;
      if (!customer) {
        const customerName = student.student_name ?? student.first_name ?? student.name;
        // An earlier attempt may have created it and failed before linking it.
        const [unlinked] = await customers.unlinkedNamed(customerName);
        customer = unlinked ?? (await customers.insertForStudent(customerName));
        await customers.linkToStudent(student.name, customer);
      }
      return { student: student.name, customer, email: student.student_email_id };
    },

    /** The enrolment's invoice if one exists, else a new draft; `created` says which. */
    async erpnextEnsureElectiveInvoice(input: {
      reference: string;
      party: BillingParty;
      course: Pick<ElectiveCourse, 'item' | 'rate' | 'currency' | 'dueInDays'>;
      company?: string;
      /** The workflow's date (deterministic), so a retry posts the same dates. */
      today: string;
    }): Promise<{ invoice: InvoiceState; created: boolean }> {
      const [existing] = await invoices.forEnrolment(input.reference);
      if (existing) return { invoice: stateOf(existing), created: false };
      const posted = new Date(`${input.today}T00:00:00Z`);
      const inserted = await invoices.insertDraft({
        customer: input.party.customer,
        student: input.party.student,
        ...(input.company ? { company: input.company } : {}),
        ...(input.course.currency ? { currency: input.course.currency } : {}),
        posting_date: input.today,
        due_date: isoDatePlusDays(posted, input.course.dueInDays),
        items: [{ item_code: input.course.item, qty: 1, rate: input.course.rate }],
        [moodleEnrolmentField.fieldname]: input.reference,
      });
      return { invoice: stateOf(inserted), created: true };
    },

    /** Submits a draft (a submitted one is left alone); the PUT answers the real status (249). */
    async erpnextSubmitInvoice(input: { invoice: string }): Promise<InvoiceState> {
      const current = await invoices.get(input.invoice);
      return stateOf(current.docstatus === 0 ? await invoices.submit(input.invoice) : current);
    },

    /** The invoice as ERPNext holds it now; null once a draft was deleted. */
    async erpnextInvoiceState(input: { invoice: string }): Promise<InvoiceState | null> {
      try {
        return stateOf(await invoices.get(input.invoice));
      } catch (err) {
        if (isNotFound(err)) return null;
        throw err;
      }
    },

    /**
     * The student left the elective: a draft is deleted; a submitted invoice gets one credit note
     * (policy `credit-note`) or is left for finance (`report`). Never a refund: a paid invoice's
     * money stays where it is and a credit note only offsets what is owed.
     */
    async erpnextWithdrawInvoice(input: { invoice: string; withdrawal: ElectiveCourse['withdrawal'] }): Promise<{ action: WithdrawalAction; creditNote?: string }> {
      let current: SalesInvoice;
      try {
        current = await invoices.get(input.invoice);
      } catch (err) {
        if (isNotFound(err)) return { action: 'deleted-draft' };
        throw err;
      }
      if (current.docstatus === 2) return { action: 'already-cancelled' };
      if (current.docstatus === 0) {
        await invoices.deleteDraft(current.name);
        return { action: 'deleted-draft' };
      }
      if (input.withdrawal === 'report') return { action: 'reported' };
      const [credited] = await invoices.creditNotesAgainst(current.name);
      return { action: 'credit-note', creditNote: credited?.name ?? (await invoices.insertCreditNote(current.name)) };
    },

    /** The enrolment references no invoice bills yet (the poll's report for moodle-fee courses). */
    async erpnextUnbilledReferences(input: { references: string[] }): Promise<string[]> {
      const billed = new Set(await invoices.billedReferences(input.references));
      return input.references.filter((reference) => !billed.has(reference));
    },

    /** Moodle's enrol_fee already collected the money: one submitted Payment Entry records it. */
    async erpnextRecordMoodlePayment(input: { invoice: string; account: string; reference: string; today: string }): Promise<string> {
      const [recorded] = await payments.submittedFor(input.invoice);
      if (recorded) return recorded.name;
      return payments.receiveOutstanding(input.invoice, { account: input.account, reference: input.reference, date: input.today });
    },

    /**
     * ERPNext e-mails the invoice as it sends any document: a Communication with the print
     * attached (`frappe.core.doctype.communication.email.make`, from Frappe v15's source; the
     * sandboxes have no mail, so no capture shows it).
     */
    async erpnextEmailInvoice(input: { invoice: string; recipient: string; item: string }): Promise<void> {
      const item = await items.get(input.item);
      await erp.callMethod('frappe.core.doctype.communication.email.make', {
        doctype: 'Sales Invoice',
        name: input.invoice,
        recipients: input.recipient,
        subject: `Invoice ${input.invoice}: ${item.item_name ?? item.name}`,
        content: `Please find attached invoice ${input.invoice} for ${item.item_name ?? item.name}.`,
        send_email: 1,
        print_letterhead: 1,
        send_me_a_copy: 0,
      });
    },

    /**
     * The registration fee of a Student: the oldest submitted invoice (with a row for `item` when
     * configured; Program Enrollment's Fee Schedule makes one per student, captures 345-347).
     * Paid when nothing is outstanding on it.
     */
    async erpnextRegistrationFee(input: { studentId: string; item?: string }): Promise<{ invoice: string | null; paid: boolean }> {
      const [oldest] = await invoices.submittedForStudent(input.studentId, input.item);
      if (!oldest) return { invoice: null, paid: false };
      return { invoice: oldest.name, paid: (oldest.outstanding_amount ?? 0) <= 0 };
    },
  });
}

export type ErpnextBillingActivities = ReturnType<typeof createErpnextBillingActivities>;
