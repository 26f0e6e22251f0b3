import { round2, rows } from './money-math';
import { companyAbbr } from './controllers-item';
import { frappeThrow, validationError } from './frappe-errors';
import type { Site } from './site';
import { type Doc, str } from './store';
import type { Whitelisted } from './whitelisted-methods';

/**
 * ERPNext's accounts helpers under `/api/method`: the "Create Payment" and "Return / Credit Note"
 * buttons. Both return an unsaved document (no name) for the caller to insert.
 */
function requireArg(args: Record<string, unknown>, key: string): string {
  const value = str(args[key]);
  if (!value) frappeThrow('TypeError', `missing 1 required positional argument: '${key}'`);
  return value;
}

/** The company's default bank account, else its cash account (`get_default_bank_cash_account`). */
function bankAccount(site: Site, company: string): string {
  const abbr = companyAbbr(site, company);
  return site.exists('Account', `Bank Account - ${abbr}`) ? `Bank Account - ${abbr}` : `Cash - ${abbr}`;
}

/**
 * `get_payment_entry(dt, dn)`: a draft receipt of the full outstanding amount (257, 258); on an
 * invoice with nothing outstanding it is a "Pay" entry (a refund) of 0, not an error (333).
 */
function getPaymentEntry(site: Site, args: Record<string, unknown>): Doc {
  const dt = requireArg(args, 'dt');
  if (dt !== 'Sales Invoice') validationError(`get_payment_entry in the sandbox supports Sales Invoice only, not ${dt}`);
  const invoice = site.getDoc(dt, requireArg(args, 'dn'));
  if (invoice.docstatus !== 1) validationError('Payment Entry can only be created against a submitted document');
  const outstanding = round2(Math.max(Number(invoice.outstanding_amount), 0));
  const receive = Number(invoice.outstanding_amount) > 0;
  const bank = bankAccount(site, str(invoice.company));
  return {
    doctype: 'Payment Entry',
    docstatus: 0,
    naming_series: 'ACC-PAY-.YYYY.-',
    payment_type: receive ? 'Receive' : 'Pay',
    posting_date: site.clock.today(),
    company: invoice.company,
    party_type: 'Customer',
    party: invoice.customer,
    party_name: invoice.customer_name,
    paid_from: receive ? invoice.debit_to : bank,
    paid_to: receive ? bank : invoice.debit_to,
    paid_amount: outstanding,
    received_amount: outstanding,
    source_exchange_rate: 1,
    target_exchange_rate: 1,
    total_allocated_amount: outstanding,
    unallocated_amount: 0,
    status: 'Draft',
    references: [
      {
        doctype: 'Payment Entry Reference',
        reference_doctype: dt,
        reference_name: invoice.name,
        due_date: invoice.due_date,
        total_amount: invoice.grand_total,
        outstanding_amount: outstanding,
        allocated_amount: outstanding,
        account: invoice.debit_to,
      },
    ],
  };
}

const stampKeys = new Set(['name', 'parent', 'creation', 'modified', 'modified_by']);
const withoutStamps = (row: Doc): Doc => Object.fromEntries(Object.entries(row).filter(([k]) => !stampKeys.has(k)));

/**
 * `make_sales_return(source_name)`: the invoice mapped to a credit note: `is_return`,
 * `return_against`, quantities and totals negated, posted today (307).
 */
function makeSalesReturn(site: Site, args: Record<string, unknown>): Doc {
  const source = site.getDoc('Sales Invoice', requireArg(args, 'source_name'));
  if (source.docstatus !== 1) validationError(`Sales Invoice ${str(source.name)} must be submitted`);
  const negate = (n: unknown) => round2(-Number(n));
  const copy = withoutStamps(site.asDict('Sales Invoice', source));
  return {
    ...copy,
    docstatus: 0,
    is_return: 1,
    return_against: source.name,
    update_outstanding_for_self: 1,
    posting_date: site.clock.today(),
    set_posting_time: 1,
    ignore_pricing_rule: 1,
    total: negate(source.total),
    net_total: negate(source.net_total),
    grand_total: negate(source.grand_total),
    rounded_total: negate(source.rounded_total || source.grand_total),
    outstanding_amount: negate(source.grand_total),
    status: 'Draft',
    items: rows(source, 'items').map((item) => ({ ...withoutStamps(item), qty: negate(item.qty), amount: negate(item.amount), sales_invoice_item: item.name })),
  };
}

export const accountsMethods: Record<string, Whitelisted> = {
  'erpnext.accounts.doctype.payment_entry.payment_entry.get_payment_entry': { run: ({ site, args }) => getPaymentEntry(site, args) },
  'erpnext.accounts.doctype.sales_invoice.sales_invoice.make_sales_return': { run: ({ site, args }) => makeSalesReturn(site, args) },
};
