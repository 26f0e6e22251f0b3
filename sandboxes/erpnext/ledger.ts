import type { Site } from './site';
import { str } from './store';
import { round2 } from './money-math';

/**
 * Balances as ERPNext's `get_balance_on` reads them off the General Ledger, rebuilt from the
 * submitted documents that post to it: a Sales Invoice debits its customer and `debit_to` by its
 * grand total (a credit note by a negative one), a Payment Entry credits `paid_from` by the paid
 * amount and debits `paid_to` by the received amount, and the party on the receivable side.
 * Cancelled documents' entries are reversed, so only submitted ones count (333: -40 after the
 * captured run's invoices, returns, payments and one cancelled invoice).
 */
const submitted = (site: Site, doctype: string) => site.rows(doctype).filter((d) => d.docstatus === 1);

export function partyBalance(site: Site, party: string): number {
  let balance = 0;
  for (const invoice of submitted(site, 'Sales Invoice')) if (invoice.customer === party) balance += Number(invoice.grand_total);
  for (const payment of submitted(site, 'Payment Entry')) {
    if (payment.party !== party) continue;
    if (payment.payment_type === 'Receive') balance -= Number(payment.paid_amount);
    if (payment.payment_type === 'Pay') balance += Number(payment.received_amount);
  }
  return round2(balance);
}

export function accountBalance(site: Site, account: string): number {
  let balance = 0;
  for (const invoice of submitted(site, 'Sales Invoice')) if (invoice.debit_to === account) balance += Number(invoice.grand_total);
  for (const payment of submitted(site, 'Payment Entry')) {
    if (payment.paid_from === account) balance -= Number(payment.paid_amount);
    if (payment.paid_to === account) balance += Number(payment.received_amount);
  }
  return round2(balance);
}

/** `get_account_details`: the account's type and currency (the company's). */
export function accountDetails(site: Site, account: string): { type: string; currency: string } {
  if (!site.exists('Account', account)) return { type: '', currency: '' };
  const doc = site.getDoc('Account', account);
  const company = str(doc.company);
  return { type: str(doc.account_type), currency: site.exists('Company', company) ? str(site.getDoc('Company', company).default_currency) : '' };
}
