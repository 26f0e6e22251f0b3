import { bold, validationError } from './frappe-errors';
import type { Controller, Site } from './site';
import { type Doc, str } from './store';
import { invoiceStatus } from './controllers-invoice';
import { round2, rows } from './money-math';

/**
 * ERPNext's Payment Entry against Sales Invoices. Submit and cancel move each referenced invoice's
 * outstanding amount and status by db_set on the stored invoice (`update_voucher_outstanding` →
 * `set_status(update=True)`), so the invoice fires only `on_change` (264, 270, 276, 330, 370).
 */
function accountType(site: Site, account: string): string {
  return site.exists('Account', account) ? str(site.getDoc('Account', account).account_type) : '';
}

const paymentEntry: Controller = {
  validate(doc, site, action) {
    if (str(doc.party_type) && !str(doc.party)) validationError('Party is mandatory');
    if (str(doc.party_type) === 'Customer' && site.exists('Customer', str(doc.party))) doc.party_name ||= site.getDoc('Customer', str(doc.party)).customer_name;
    doc.paid_from_account_type = accountType(site, str(doc.paid_from));
    doc.paid_to_account_type = accountType(site, str(doc.paid_to));
    let allocated = 0;
    for (const ref of rows(doc, 'references')) {
      if (ref.reference_doctype !== 'Sales Invoice') validationError(`Reference Doctype must be one of Sales Invoice`);
      const invoice = site.getDoc('Sales Invoice', str(ref.reference_name));
      if (invoice.docstatus !== 1) validationError(`${bold(`Sales Invoice ${str(invoice.name)}`)} must be submitted`);
      if (str(doc.party) && invoice.customer !== doc.party) validationError(`Sales Invoice ${str(invoice.name)} is not associated with ${str(doc.party_type)} ${str(doc.party)}`);
      ref.total_amount = invoice.grand_total;
      ref.outstanding_amount = invoice.outstanding_amount;
      ref.due_date ||= invoice.due_date;
      if (Number(ref.allocated_amount) > Number(invoice.outstanding_amount)) {
        validationError(`Row #${String(ref.idx)}: Allocated Amount cannot be greater than outstanding amount.`);
      }
      allocated += Number(ref.allocated_amount);
    }
    if (allocated > Number(doc.paid_amount)) validationError('Total Allocated Amount cannot be greater than Paid Amount');
    doc.total_allocated_amount = round2(allocated);
    doc.unallocated_amount = round2(Number(doc.paid_amount) - allocated);
    // `validate_transaction_reference`: a bank account needs the cheque/reference number and date (268).
    if (action === 'submit' && doc.paid_to_account_type === 'Bank' && (!str(doc.reference_no) || !str(doc.reference_date))) {
      validationError('Reference No and Reference Date is mandatory for Bank transaction');
    }
    doc.status = action === 'submit' ? 'Submitted' : 'Draft';
  },
  onSubmit(doc, site) {
    settle(doc, site, -1);
  },
  onCancel(doc, site) {
    site.dbSetValue('Payment Entry', str(doc.name), { status: 'Cancelled' });
    doc.status = 'Cancelled';
    settle(doc, site, 1);
  },
};

/** Moves each referenced invoice's outstanding amount by the allocation and re-derives its status. */
function settle(payment: Doc, site: Site, sign: 1 | -1) {
  for (const ref of rows(payment, 'references')) {
    const invoice = site.getDoc('Sales Invoice', str(ref.reference_name));
    if (invoice.docstatus !== 1) continue;
    const outstanding = round2(Number(invoice.outstanding_amount) + sign * Number(ref.allocated_amount));
    site.dbSet('Sales Invoice', invoice, { outstanding_amount: outstanding, status: invoiceStatus({ ...invoice, outstanding_amount: outstanding }, site) });
  }
}

/**
 * Accounts Settings `unlink_payment_on_cancellation_of_invoice` (on by default): cancelling an
 * invoice removes its rows from submitted Payment Entries, which stay submitted with the money
 * unallocated (291, 295); the invoice keeps its outstanding amount (294).
 */
export function unlinkPaymentsOnCancel(invoice: Doc, site: Site) {
  const unlinked: string[] = [];
  for (const payment of site.all('Payment Entry')) {
    if (payment.docstatus !== 1) continue;
    const refs = rows(payment, 'references');
    const kept = refs.filter((r) => !(r.reference_doctype === 'Sales Invoice' && r.reference_name === invoice.name));
    if (kept.length === refs.length) continue;
    const allocated = kept.reduce((sum, r) => sum + Number(r.allocated_amount), 0);
    site.dbSetValue('Payment Entry', str(payment.name), {
      references: kept.map((r, i) => ({ ...r, idx: i + 1 })),
      total_allocated_amount: round2(allocated),
      unallocated_amount: round2(Number(payment.paid_amount) - allocated),
    });
    unlinked.push(str(payment.name));
  }
  if (unlinked.length) site.msgprint(`Payment Entries ${unlinked.join(', ')} are un-linked`);
}

export const paymentControllers: Record<string, Controller> = { 'Payment Entry': paymentEntry };
