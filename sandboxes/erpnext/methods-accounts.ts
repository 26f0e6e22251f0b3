import { round2, rows } from './money-math';
import { companyAbbr } from './controllers-item';
import { accountBalance, accountDetails, partyBalance } from './ledger';
import { defaultValue } from './validation';
import { frappeThrow, validationError } from './frappe-errors';
import type { Site } from './site';
import { type Doc, str } from './store';
import type { Whitelisted } from './whitelisted-methods';
import { paymentRequestMethods } from './controllers-payment-request';

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
 * What `frappe.new_doc` holds before anything is set, as `as_dict(no_nulls)` shows it: numbers 0,
 * Selects their first option or default, tables empty; text columns absent.
 */
function newDocument(site: Site, doctype: string, values: Doc): Doc {
  const today = site.clock.today();
  const doc: Doc = { owner: 'Administrator', docstatus: 0, idx: 0 };
  for (const field of site.requireMeta(doctype).fields) {
    const value = defaultValue(field, today);
    if (value !== null) doc[field.fieldname] = value;
  }
  return { ...doc, ...values, doctype };
}

/**
 * `get_payment_entry(dt, dn)`: an unsaved receipt of the full outstanding amount, with the
 * party's and both accounts' ledger balances (257, 258, 267, 328); on an invoice with nothing
 * outstanding it is a "Pay" entry (a refund) of 0, not an error (333), whose reference row was
 * never priced (no account, exchange rate 0, no stamps).
 */
function getPaymentEntry(site: Site, args: Record<string, unknown>): Doc {
  const dt = requireArg(args, 'dt');
  if (dt !== 'Sales Invoice') validationError(`get_payment_entry in the sandbox supports Sales Invoice only, not ${dt}`);
  const invoice = site.getDoc(dt, requireArg(args, 'dn'));
  if (invoice.docstatus !== 1) validationError('Payment Entry can only be created against a submitted document');
  const outstanding = round2(Math.max(Number(invoice.outstanding_amount), 0));
  const receive = Number(invoice.outstanding_amount) > 0;
  const bank = bankAccount(site, str(invoice.company));
  const [paidFrom, paidTo] = receive ? [str(invoice.debit_to), bank] : [bank, str(invoice.debit_to)];
  const from = accountDetails(site, paidFrom);
  const to = accountDetails(site, paidTo);
  const priced = outstanding > 0 ? { modified: site.clock.timestamp(), modified_by: 'Administrator', exchange_rate: 1, account: invoice.debit_to } : { exchange_rate: 0 };
  const { owner: _owner, ...reference }: Doc = {
    ...newDocument(site, 'Payment Entry Reference', { reference_doctype: dt, reference_name: invoice.name, due_date: invoice.due_date, total_amount: invoice.grand_total, outstanding_amount: outstanding, allocated_amount: outstanding, ...priced }),
    idx: 1,
    parentfield: 'references',
    parenttype: 'Payment Entry',
    __islocal: 1,
  };
  return {
    ...newDocument(site, 'Payment Entry', {
      payment_type: receive ? 'Receive' : 'Pay',
      posting_date: site.clock.today(),
      company: invoice.company,
      party_type: 'Customer',
      party: invoice.customer,
      party_name: invoice.customer_name,
      party_balance: partyBalance(site, str(invoice.customer)),
      paid_from: paidFrom,
      paid_from_account_type: from.type,
      paid_from_account_currency: from.currency,
      paid_from_account_balance: accountBalance(site, paidFrom),
      paid_to: paidTo,
      paid_to_account_type: to.type,
      paid_to_account_currency: to.currency,
      paid_to_account_balance: accountBalance(site, paidTo),
      paid_amount: outstanding,
      base_paid_amount: outstanding,
      received_amount: outstanding,
      base_received_amount: outstanding,
      total_allocated_amount: outstanding,
      base_total_allocated_amount: outstanding,
      reference_date: site.clock.today(),
      references: [reference],
    }),
    __islocal: 1,
    __unsaved: 1,
  };
}

const stampKeys = new Set(['name', 'parent', 'creation', 'modified', 'modified_by']);
const withoutStamps = (row: Doc): Doc => Object.fromEntries(Object.entries(row).filter(([k]) => !stampKeys.has(k)));

/** Sales Invoice columns `get_mapped_doc` does not copy into a return (no_copy, or cleared by the mapper): absent from 307. */
const notCopied = ['title', 'due_date', 'po_no', 'remarks', 'against_income_account', 'tax_category', 'amended_from'];

/**
 * `make_sales_return(source_name)`: the invoice mapped to an unsaved credit note (307): `is_return`,
 * `return_against`, quantities, amounts and totals negated, posted today under the "Credit Note"
 * print heading; the document and its rows flagged new (`__islocal`, `__unsaved`) and
 * `__onload.load_after_mapping`, as `as_dict` without nulls shows them. The payment schedule row is
 * copied with only its payment amount negated, as the real answer has it.
 */
function makeSalesReturn(site: Site, args: Record<string, unknown>): Doc {
  const source = site.getDoc('Sales Invoice', requireArg(args, 'source_name'));
  if (source.docstatus !== 1) validationError(`Sales Invoice ${str(source.name)} must be submitted`);
  const negate = (n: unknown) => round2(-Number(n));
  const shown = site.asDict('Sales Invoice', source, { noNulls: true });
  const copy = withoutStamps(shown);
  for (const key of notCopied) delete copy[key];
  const fresh = { docstatus: 0, __islocal: 1, __unsaved: 1 };
  const totals = ['total', 'net_total', 'grand_total', 'base_total', 'base_net_total', 'base_grand_total', 'total_qty', 'amount_eligible_for_commission'];
  return {
    ...copy,
    ...Object.fromEntries(totals.map((key) => [key, negate(source[key])])),
    ...fresh,
    is_return: 1,
    return_against: source.name,
    update_outstanding_for_self: 1,
    posting_date: site.clock.today(),
    posting_time: site.clock.timestamp().slice(11),
    set_posting_time: 1,
    ignore_pricing_rule: 1,
    select_print_heading: 'Credit Note',
    set_warehouse: '',
    rounded_total: negate(source.rounded_total || source.grand_total),
    base_rounded_total: negate(source.base_rounded_total || source.base_grand_total),
    outstanding_amount: negate(source.grand_total),
    status: 'Draft',
    items: rows(shown, 'items').map((item) => {
      const { image: _image, ...row } = withoutStamps(item);
      const amounts = ['qty', 'stock_qty', 'amount', 'base_amount', 'net_amount', 'base_net_amount'];
      // stock_uom_rate reads 0 in the mapped row (307), as in the rows 284 and 308 post back.
      return { ...row, ...Object.fromEntries(amounts.map((key) => [key, negate(item[key])])), stock_uom_rate: 0, sales_invoice_item: item.name, ...fresh };
    }),
    payment_schedule: rows(shown, 'payment_schedule').map((row) => ({ ...withoutStamps(row), discount_type: str(row.discount_type) || 'Percentage', payment_amount: negate(row.payment_amount), ...fresh })),
    __onload: { load_after_mapping: true },
  };
}

export const accountsMethods: Record<string, Whitelisted> = {
  'erpnext.accounts.doctype.payment_entry.payment_entry.get_payment_entry': { run: ({ site, args }) => getPaymentEntry(site, args) },
  'erpnext.accounts.doctype.sales_invoice.sales_invoice.make_sales_return': { run: ({ site, args }) => makeSalesReturn(site, args) },
  ...paymentRequestMethods,
};
