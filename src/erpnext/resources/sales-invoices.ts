import { z } from 'zod';
import type { ErpnextClient, Filters } from '../client';
import { columns } from '../columns';

/**
 * The Custom Field on Sales Invoice that names the Moodle enrolment an invoice bills
 * (`moodle:<userid>:<courseid>`). `setup` provisions it; the bridge looks it up before every
 * write, so a retry or the second trigger path finds the invoice instead of billing again.
 * `no_copy`: a credit note made from the invoice does not inherit it.
 */
export const moodleEnrolmentField = {
  dt: 'Sales Invoice',
  fieldname: 'custom_moodle_enrolment',
  label: 'Moodle Enrolment',
  fieldtype: 'Data',
  insert_after: 'student',
  read_only: 1,
  no_copy: 1,
  description: 'Set by Campus Bridge: the Moodle enrolment (user and course) this invoice bills.',
} as const;

/** ERPNext's Sales Invoice: the fields billing decides with (status and outstanding are set by ERPNext). */
export const salesInvoiceSchema = z.looseObject({
  name: z.string().min(1),
  docstatus: z.number().int().min(0).max(2),
  /** Draft, Unpaid, Overdue, Partly Paid, Paid, Credit Note Issued, Return, Cancelled, … (captures 237, 253, 266, 272). */
  status: z.string().optional(),
  customer: z.string().optional(),
  student: z.string().optional(),
  grand_total: z.number().optional(),
  /** 0 is dropped by no field: Frappe sends 0.0, which the client keeps. */
  outstanding_amount: z.number().optional(),
  due_date: z.string().optional(),
  is_return: z.number().int().optional(),
  return_against: z.string().optional(),
  modified: z.string().optional(),
  [moodleEnrolmentField.fieldname]: z.string().optional(),
});
export type SalesInvoice = z.infer<typeof salesInvoiceSchema>;

const invoiceRow = columns(salesInvoiceSchema.pick({ name: true, docstatus: true, status: true, outstanding_amount: true, grand_total: true }));
export type SalesInvoiceRow = z.infer<typeof invoiceRow.schema>;

export interface NewSalesInvoice {
  customer: string;
  student: string;
  company?: string;
  currency?: string;
  posting_date: string;
  due_date: string;
  items: { item_code: string; qty: number; rate: number }[];
  [moodleEnrolmentField.fieldname]?: string;
}

/** DocType `Sales Invoice`. */
export function createSalesInvoices(erp: ErpnextClient) {
  const list = (filters: Filters) => erp.getList('Sales Invoice', { ...invoiceRow, filters, orderBy: 'creation asc, name asc', limitPageLength: 0 });
  return {
    get: (name: string): Promise<SalesInvoice> => erp.getDoc('Sales Invoice', name, { schema: salesInvoiceSchema }),

    /** Invoices (not credit notes, not cancelled) billing one Moodle enrolment, oldest first. */
    forEnrolment: (reference: string): Promise<SalesInvoiceRow[]> =>
      list([
        [moodleEnrolmentField.fieldname, '=', reference],
        ['is_return', '=', 0],
        ['docstatus', '<', 2],
      ]),

    /** Which of these enrolment references some invoice (not a credit note) already bills. */
    async billedReferences(references: string[]): Promise<string[]> {
      if (references.length === 0) return [];
      const rows = await erp.getList('Sales Invoice', {
        fields: ['name', moodleEnrolmentField.fieldname],
        filters: [
          [moodleEnrolmentField.fieldname, 'in', references],
          ['is_return', '=', 0],
        ],
        limitPageLength: 0,
        schema: salesInvoiceSchema.pick({ name: true, [moodleEnrolmentField.fieldname]: true }),
      });
      return rows.flatMap((row) => row[moodleEnrolmentField.fieldname] ?? []);
    },

    /** Submitted invoices of a Student, optionally only those with a row for `item`. */
    submittedForStudent: (student: string, item?: string): Promise<SalesInvoiceRow[]> =>
      list([
        ['student', '=', student],
        ['is_return', '=', 0],
        ['docstatus', '=', 1],
        ...(item ? [['Sales Invoice Item', 'item_code', '=', item] as [string, string, string, unknown]] : []),
      ]),

    /** Submitted credit notes against an invoice. */
    creditNotesAgainst: (invoice: string): Promise<SalesInvoiceRow[]> =>
      list([
        ['is_return', '=', 1],
        ['return_against', '=', invoice],
        ['docstatus', '=', 1],
      ]),

    /**
     * Inserts a draft. The answer's status would be stale for a `docstatus: 1` insert (captures
     * 279, 323), so billing inserts drafts and submits with a PUT, which answers the real status (249).
     */
    insertDraft: (doc: NewSalesInvoice): Promise<SalesInvoice> => erp.insert('Sales Invoice', { ...doc }, { schema: salesInvoiceSchema }),

    submit: (name: string): Promise<SalesInvoice> => erp.update('Sales Invoice', name, { docstatus: 1 }, { schema: salesInvoiceSchema }),

    /** A draft is never cancelled (0 → 2 is a DocstatusTransitionError, capture 156): it is deleted. */
    deleteDraft: (name: string): Promise<void> => erp.delete('Sales Invoice', name),

    /**
     * A submitted credit note against `invoice`: ERPNext's own `make_sales_return` maps the
     * return (negative quantities, `return_against`), which is then inserted submitted (284).
     */
    async insertCreditNote(invoice: string): Promise<string> {
      const draft = z.record(z.string(), z.unknown()).parse(await erp.callMethod('erpnext.accounts.doctype.sales_invoice.sales_invoice.make_sales_return', { source_name: invoice }));
      const inserted = await erp.insert('Sales Invoice', { ...draft, docstatus: 1 });
      return inserted.name;
    },
  };
}
