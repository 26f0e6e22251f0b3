import { bold, validationError } from './frappe-errors';
import type { Controller, Site } from './site';
import { type Doc, str } from './store';
import { invoiceStatus } from './controllers-invoice';
import { paymentRequestControllers } from './controllers-payment-request';
import { accountBalance, accountDetails, partyBalance } from './ledger';
import { moneyInWords } from './money-in-words';
import { round2, rows } from './money-math';

/**
 * ERPNext's Payment Entry against Sales Invoices. Submit and cancel move each referenced invoice's
 * outstanding amount and status by db_set on the stored invoice (`update_voucher_outstanding` →
 * `set_status(update=True)`), so the invoice fires only `on_change` (264, 270, 276, 330, 370).
 */
/**
 * `set_remarks` unless custom: the amount, the transaction reference, each allocation. Python
 * formats the numbers: as the request gave them on an insert ("100", 261), as the database's
 * floats once loaded ("100.0" when submitted later, 263, 273).
 */
function remarks(doc: Doc, loaded: boolean): string {
  const amount = (value: unknown) => (loaded && Number.isInteger(Number(value)) ? `${Number(value)}.0` : String(Number(value)));
  const currency = str(doc.paid_from_account_currency) || str(doc.paid_to_account_currency);
  const receive = doc.payment_type === 'Receive';
  const lines = [`Amount ${currency} ${amount(receive ? doc.paid_amount : doc.received_amount)} ${receive ? 'received from' : 'to'} ${str(doc.party)}`];
  if (str(doc.reference_no)) lines.push(`Transaction reference no ${str(doc.reference_no)} dated ${str(doc.reference_date)}`);
  for (const ref of rows(doc, 'references')) {
    if (Number(ref.allocated_amount)) lines.push(`Amount ${currency} ${amount(ref.allocated_amount)} against ${str(ref.reference_doctype)} ${str(ref.reference_name)}`);
  }
  return lines.join('\n');
}

/** `set_missing_values` and the amounts: account types always, balances only when not given (261). */
function accountsAndAmounts(doc: Doc, site: Site) {
  if (str(doc.party_type) === 'Customer' && site.exists('Customer', str(doc.party))) doc.party_name ||= site.getDoc('Customer', str(doc.party)).customer_name;
  if (str(doc.party) && !Number(doc.party_balance)) doc.party_balance = partyBalance(site, str(doc.party));
  for (const side of ['paid_from', 'paid_to'] as const) {
    const details = accountDetails(site, str(doc[side]));
    doc[`${side}_account_type`] = details.type;
    doc[`${side}_account_currency`] = details.currency;
    if (!Number(doc[`${side}_account_balance`])) doc[`${side}_account_balance`] = accountBalance(site, str(doc[side]));
  }
  doc.base_paid_amount = doc.paid_amount_after_tax = doc.base_paid_amount_after_tax = round2(Number(doc.paid_amount) * Number(doc.source_exchange_rate || 1));
  doc.base_received_amount = doc.received_amount_after_tax = doc.base_received_amount_after_tax = round2(Number(doc.received_amount) * Number(doc.target_exchange_rate || 1));
  doc.title = str(doc.party) || doc.paid_to;
  if (!Number(doc.custom_remarks)) doc.remarks = remarks(doc, site.exists('Payment Entry', str(doc.name)));
  doc.in_words = doc.base_in_words = moneyInWords(Number(doc.payment_type === 'Receive' ? doc.paid_amount : doc.received_amount), str(doc.paid_to_account_currency));
}

const paymentEntry: Controller = {
  validate(doc, site, action) {
    if (str(doc.party_type) && !str(doc.party)) validationError('Party is mandatory');
    accountsAndAmounts(doc, site);
    let allocated = 0;
    for (const ref of rows(doc, 'references')) {
      if (ref.reference_doctype !== 'Sales Invoice') validationError(`Reference Doctype must be one of Sales Invoice`);
      const invoice = site.getDoc('Sales Invoice', str(ref.reference_name));
      if (invoice.docstatus !== 1) validationError(`${bold(`Sales Invoice ${str(invoice.name)}`)} must be submitted`);
      if (str(doc.party) && invoice.customer !== doc.party) validationError(`Sales Invoice ${str(invoice.name)} is not associated with ${str(doc.party_type)} ${str(doc.party)}`);
      ref.total_amount = invoice.grand_total;
      ref.outstanding_amount = invoice.outstanding_amount;
      ref.due_date ||= invoice.due_date;
      ref.account ||= invoice.debit_to;
      if (Number(ref.allocated_amount) > Number(invoice.outstanding_amount)) {
        validationError(`Row #${String(ref.idx)}: Allocated Amount cannot be greater than outstanding amount.`);
      }
      allocated += Number(ref.allocated_amount);
    }
    if (allocated > Number(doc.paid_amount)) validationError('Total Allocated Amount cannot be greater than Paid Amount');
    doc.total_allocated_amount = doc.base_total_allocated_amount = round2(allocated);
    doc.unallocated_amount = round2(Number(doc.paid_amount) - allocated);
    // `validate_transaction_reference`: a bank account needs the cheque/reference number and date (268).
    if (action === 'submit' && doc.paid_to_account_type === 'Bank' && (!str(doc.reference_no) || !str(doc.reference_date))) {
      validationError('Reference No and Reference Date is mandatory for Bank transaction');
    }
    doc.status = action === 'submit' ? 'Submitted' : 'Draft';
  },
  onSubmit(doc, site) {
    settle(doc, site, -1);
    refreshReferences(doc, site);
  },
  onCancel(doc, site) {
    site.dbSetValue('Payment Entry', str(doc.name), { status: 'Cancelled' });
    doc.status = 'Cancelled';
    settle(doc, site, 1);
    refreshReferences(doc, site);
  },
};

/**
 * `set_missing_ref_details(force=True)` after the ledger: each row shows what its invoice still
 * owes once this payment is posted or reversed (263: 200 of 300, 273/329: 0, 275: 100 again),
 * stored without a new `modified`.
 */
function refreshReferences(doc: Doc, site: Site) {
  for (const ref of rows(doc, 'references')) ref.outstanding_amount = site.getDoc('Sales Invoice', str(ref.reference_name)).outstanding_amount;
  const stored = rows(doc, 'references').map(({ __unsaved: _unsaved, ...row }) => row);
  site.dbSetValue('Payment Entry', str(doc.name), { references: stored }, { updateModified: false });
}

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
      base_total_allocated_amount: round2(allocated),
      unallocated_amount: round2(Number(payment.paid_amount) - allocated),
    });
    unlinked.push(str(payment.name));
  }
  if (unlinked.length) site.msgprint(`Payment Entries ${unlinked.join(', ')} are un-linked`);
}

export const paymentControllers: Record<string, Controller> = { 'Payment Entry': paymentEntry, ...paymentRequestControllers };
