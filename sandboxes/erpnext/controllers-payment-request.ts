import { frappeThrow, validationError } from './frappe-errors';
import { round2 } from './money-math';
import type { Controller, Site } from './site';
import { type Doc, str } from './store';
import type { Whitelisted } from './whitelisted-methods';

/**
 * ERPNext's Payment Request without a payment gateway (accounts/doctype/payment_request/
 * payment_request.py, read from source; the answer itself is capture 335): `make_payment_request`
 * asks for the invoice's outstanding amount, addressed to the invoice's owner, with the default
 * message; a draft unless `submit_doc`.
 */

/** Frappe's currency fixtures: the symbols of the currencies the sandbox seeds. */
const symbols: Record<string, string> = { USD: '$', EUR: '€', GBP: '£', INR: '₹' };

/** `doc.get_formatted` for a Currency: the symbol, a space, "#,###.##" (335: "$ 150.00"). */
export function formatMoney(amount: number, currency: string): string {
  const [whole, cents] = Math.abs(amount).toFixed(2).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${symbols[currency] ?? currency} ${amount < 0 ? '-' : ''}${grouped}.${cents}`;
}

/** `get_dummy_message`: the template rendered, `{{ payment_url }}` left for the gateway to fill (335). */
function dummyMessage(reference: Doc): string {
  const greeting = str(reference.contact_person) ? `<p>Dear ${str(reference.contact_person)},</p>` : '<p>Hello,</p>';
  return [
    greeting,
    `<p>Requesting payment against ${str(reference.doctype)} ${str(reference.name)} for amount ${formatMoney(Number(reference.grand_total), str(reference.currency))}</p>`,
    '<a href="{{ payment_url }}">Make Payment</a>',
    '<p>If you have any questions, please get back to us.</p>',
    '<p>Thank you for your business!</p>',
  ].join('\n\n');
}

/** `get_amount` for an invoice: its outstanding amount; nothing outstanding is an error. */
function amountDue(reference: Doc): number {
  const outstanding = Number(reference.outstanding_amount);
  const amount = reference.party_account_currency === reference.currency ? outstanding : outstanding / Number(reference.conversion_rate || 1);
  if (!(amount > 0)) validationError('Payment Entry is already created');
  return round2(amount);
}

/** `get_existing_payment_request_amount`: submitted requests of the document not yet paid. */
function existingRequested(site: Site, doctype: string, name: string): number {
  return site
    .rows('Payment Request')
    .filter((pr) => pr.reference_doctype === doctype && pr.reference_name === name && pr.docstatus === 1 && (pr.status !== 'Paid' || pr.payment_channel === 'Phone'))
    .reduce((sum, pr) => sum + Number(pr.grand_total), 0);
}

const paymentRequest: Controller = {
  validate(doc, site) {
    if (!site.exists('Payment Request', str(doc.name))) doc.status = 'Draft';
    if (!str(doc.reference_doctype) || !str(doc.reference_name)) validationError('To create a Payment Request reference document is required');
    const reference = site.getDoc(str(doc.reference_doctype), str(doc.reference_name));
    const existing = existingRequested(site, str(doc.reference_doctype), str(doc.reference_name));
    if (existing && existing + Number(doc.grand_total) > amountDue(reference)) validationError(`Total Payment Request amount cannot be greater than ${str(doc.reference_doctype)} amount`);
    if (doc.party_type === 'Customer' && site.exists('Customer', str(doc.party))) doc.party_name ||= site.getDoc('Customer', str(doc.party)).customer_name;
    doc.party_account_currency ||= reference.party_account_currency;
  },
  onSubmit(doc, site) {
    site.dbSet('Payment Request', doc, { status: doc.payment_request_type === 'Outward' ? 'Initiated' : 'Requested' });
  },
  onCancel(doc, site) {
    site.dbSet('Payment Request', doc, { status: 'Cancelled' });
  },
};

export const paymentRequestControllers: Record<string, Controller> = { 'Payment Request': paymentRequest };

/** `make_payment_request(dt, dn, …)` without a gateway: the new request as `as_dict()` without nulls (335). */
function makePaymentRequest(site: Site, args: Record<string, unknown>): Doc {
  const dt = str(args.dt);
  const dn = str(args.dn);
  if (!dt || !dn) frappeThrow('TypeError', 'get_doc() missing the document to pay');
  const reference = site.getDoc(dt, dn);
  const grandTotal = round2(amountDue(reference) - existingRequested(site, dt, dn));
  const request = site.insert('Payment Request', {
    payment_request_type: str(args.payment_request_type) || 'Inward',
    company: reference.company,
    currency: reference.currency,
    grand_total: grandTotal,
    mode_of_payment: args.mode_of_payment,
    email_to: str(args.recipient_id) || reference.owner,
    subject: `Payment Request for ${dn}`,
    message: dummyMessage(reference),
    reference_doctype: dt,
    reference_name: dn,
    party_type: str(args.party_type) || 'Customer',
    party: str(args.party) || reference.customer,
    // No party_type in the call: no party bank account is looked up, and the gateway gives no channel.
    bank_account: '',
    payment_channel: '',
  });
  // `mute_email` only sets a flag on the document; the column stays 0 (335).
  if (Number(args.submit_doc)) site.save('Payment Request', str(request.name), { docstatus: 1 });
  return site.asDict('Payment Request', site.getDoc('Payment Request', str(request.name)), { noNulls: true });
}

export const paymentRequestMethods: Record<string, Whitelisted> = {
  'erpnext.accounts.doctype.payment_request.payment_request.make_payment_request': { run: ({ site, args }) => makePaymentRequest(site, args) },
};
