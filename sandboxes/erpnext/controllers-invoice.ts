import { unlinkPaymentsOnCancel } from './controllers-payments';
import { companyAbbr, defaultCompany } from './controllers-item';
import { bold, pythonCrash, validationError } from './frappe-errors';
import { moneyInWords } from './money-in-words';
import { round2, rows } from './money-math';
import type { Controller, Site } from './site';
import { type ChildRow, type Doc, str } from './store';

/**
 * ERPNext's Sales Invoice controller (accounts/doctype/sales_invoice/sales_invoice.py and the
 * selling/accounts controllers it extends, v15): missing values from the customer, item and
 * company, totals and their words, the payment schedule, status, and what submit and cancel do
 * to outstanding amounts. Payment Entry is in controllers-payments.ts, the daily Overdue job in
 * scheduler.ts.
 */
function hasSubmittedReturn(site: Site, invoiceName: string): boolean {
  return site.rows('Sales Invoice').some((d) => d.docstatus === 1 && Number(d.is_return) === 1 && d.return_against === invoiceName);
}

/**
 * `SalesInvoice.get_status` for a submitted invoice, in ERPNext's order: Overdue (outstanding past
 * the due date) before Partly Paid before Unpaid; an invoice settled by a credit note reads
 * "Credit Note Issued", a credit note itself "Return", anything else settled "Paid".
 */
export function invoiceStatus(invoice: Doc, site: Site): string {
  if (invoice.docstatus === 2) return 'Cancelled';
  if (invoice.docstatus !== 1) return 'Draft';
  const outstanding = Number(invoice.outstanding_amount);
  const total = Number(invoice.rounded_total) || Number(invoice.grand_total);
  const due = str(invoice.due_date);
  const today = site.clock.today();
  if (outstanding > 0 && due && due < today) return 'Overdue';
  if (outstanding > 0 && outstanding < total) return 'Partly Paid';
  if (outstanding > 0) return 'Unpaid';
  if (!Number(invoice.is_return) && hasSubmittedReturn(site, str(invoice.name))) return 'Credit Note Issued';
  if (Number(invoice.is_return)) return 'Return';
  return outstanding <= 0 ? 'Paid' : 'Submitted';
}

/** `set_missing_values` from the customer: a customer that does not exist crashes here (240). */
function partyDetails(doc: Doc, site: Site) {
  // Link validation skips `customer` (customer_name is fetched from it), so an unknown customer
  // reaches `get_party_details` → `get_payment_terms_template`, which reads a field off None (240).
  if (!site.exists('Customer', str(doc.customer))) pythonCrash('AttributeError', "'NoneType' object has no attribute 'payment_terms'");
  const customer = site.getDoc('Customer', str(doc.customer));
  doc.customer_name ||= customer.customer_name;
  doc.title ||= doc.customer_name;
  doc.customer_group ||= customer.customer_group;
  doc.language ||= customer.language ?? 'en';
  doc.tax_category ??= '';
  doc.po_no ??= '';
  doc.company ||= defaultCompany(site);
  const company = str(doc.company);
  if (company && site.exists('Company', company)) {
    doc.currency ||= site.getDoc('Company', company).default_currency;
    const debtors = `Debtors - ${companyAbbr(site, company)}`;
    if (!str(doc.debit_to) && site.exists('Account', debtors)) doc.debit_to = debtors;
  }
  doc.party_account_currency ||= doc.currency;
  const priceList = str(doc.selling_price_list) || 'Standard Selling';
  if (site.exists('Price List', priceList)) {
    doc.selling_price_list = priceList;
    doc.price_list_currency ||= site.getDoc('Price List', priceList).currency;
  }
}

/** `set_missing_item_details` + `calculate_taxes_and_totals` for rows without taxes, margins or discounts. */
function itemDetails(doc: Doc, site: Site, abbr: string) {
  const account = (name: string) => (site.exists('Account', `${name} - ${abbr}`) ? `${name} - ${abbr}` : undefined);
  for (const item of rows(doc, 'items')) {
    if (str(item.item_code) && site.exists('Item', str(item.item_code))) {
      const master = site.getDoc('Item', str(item.item_code));
      item.item_name ||= master.item_name;
      item.description ||= master.description;
      item.item_group ||= master.item_group;
      item.image ??= '';
      item.stock_uom ||= master.stock_uom;
      item.uom ||= master.stock_uom;
      item.grant_commission = master.grant_commission;
      const defaults = rows(master, 'item_defaults').find((d) => d.company === doc.company);
      item.warehouse ||= defaults?.default_warehouse;
      // `set_missing_item_details` fills only what is None: a return's rows come mapped from the
      // original with their price list rate, 0 included (308, from a backdated original).
      if (!Number(item.price_list_rate) && !Number(doc.is_return)) {
        // `get_item_price`: a price counts from its valid_from (the day it was made); an invoice
        // posted before then has no price list rate (296, backdated a month).
        const posted = str(doc.posting_date);
        const valid = (p: Doc) => (!str(p.valid_from) || str(p.valid_from) <= posted) && (!str(p.valid_upto) || str(p.valid_upto) >= posted);
        const price = site.all('Item Price').find((p) => p.item_code === item.item_code && p.price_list === doc.selling_price_list && valid(p));
        item.price_list_rate = price ? Number(price.price_list_rate) : 0;
      }
    }
    item.income_account ||= account('Sales');
    item.expense_account ||= account('Cost of Goods Sold');
    item.cost_center ||= site.exists('Cost Center', `Main - ${abbr}`) ? `Main - ${abbr}` : undefined;
    item.item_tax_rate ||= '{}';
    if (!Number(item.rate)) item.rate = round2(Number(item.price_list_rate) * (1 - Number(item.discount_percentage) / 100));
    item.amount = round2(Number(item.qty) * Number(item.rate));
    // `set_discount_amount`: a rate below the price list rate is a discount by amount (323: 150 → 99.5).
    const below = Number(item.price_list_rate) - Number(item.rate);
    item.discount_amount = below > 0 ? round2(below) : 0;
    item.stock_qty = Number(item.qty) * Number(item.conversion_factor);
    item.base_price_list_rate = item.price_list_rate;
    item.base_rate = item.net_rate = item.base_net_rate = item.stock_uom_rate = item.rate;
    item.base_amount = item.net_amount = item.base_net_amount = item.amount;
  }
}

function totals(doc: Doc) {
  const items = rows(doc, 'items');
  const sum = (pick: (row: ChildRow) => number) => round2(items.reduce((total, row) => total + pick(row), 0));
  const total = sum((row) => Number(row.amount));
  doc.total_qty = sum((row) => Number(row.qty));
  for (const key of ['total', 'net_total', 'grand_total', 'rounded_total', 'base_total', 'base_net_total', 'base_grand_total', 'base_rounded_total']) doc[key] = total;
  doc.amount_eligible_for_commission = sum((row) => (Number(row.grant_commission) ? Number(row.amount) : 0));
  doc.in_words = doc.base_in_words = moneyInWords(total, str(doc.currency));
  doc.against_income_account = [...new Set(items.map((row) => str(row.income_account)).filter(Boolean))].join(',');
}

/**
 * `set_payment_schedule`: one row due on the due date for the whole amount; existing rows are
 * re-priced by their portion (246). A credit note has none and no terms template (284, 308).
 */
function paymentSchedule(doc: Doc) {
  if (Number(doc.is_return)) {
    doc.payment_schedule = [];
    doc.payment_terms_template = '';
    return;
  }
  const schedule = rows(doc, 'payment_schedule');
  if (!schedule.length) doc.payment_schedule = [{ due_date: doc.due_date, invoice_portion: 100 } as ChildRow];
  for (const row of rows(doc, 'payment_schedule')) {
    const amount = round2((Number(doc.grand_total) * Number(row.invoice_portion)) / 100);
    Object.assign(row, { payment_amount: amount, base_payment_amount: amount, outstanding: amount, base_outstanding: amount });
  }
}

function fillMissingValues(doc: Doc, site: Site) {
  partyDetails(doc, site);
  // No items: `calculate_taxes_and_totals` subtracts from a total that was never set (239); the
  // mandatory check on `items` comes later and is never reached.
  if (!rows(doc, 'items').length) pythonCrash('TypeError', "unsupported operand type(s) for -: 'NoneType' and 'float'");
  // A credit note is due the day it is posted (284, 308).
  if (Number(doc.is_return)) doc.due_date = doc.posting_date;
  doc.due_date ||= doc.posting_date;
  if (str(doc.due_date) < str(doc.posting_date)) validationError('Due Date cannot be before Posting / Supplier Invoice Date');
  // Without set_posting_time the posting time is the time of the save.
  if (!Number(doc.set_posting_time) || !str(doc.posting_time)) doc.posting_time = site.clock.timestamp().slice(11);
  itemDetails(doc, site, companyAbbr(site, str(doc.company)));
  totals(doc);
  paymentSchedule(doc);
}

/**
 * Submit's ledger effect (`make_gl_entries` → `update_voucher_outstanding`): the outstanding amount
 * is written to the *stored* invoice by db_set, so only on_change carries it. A credit note with
 * `update_outstanding_for_self` 0 settles the original instead and keeps its own status (310, 313).
 */
function postLedger(doc: Doc, site: Site) {
  const againstOriginal = Number(doc.is_return) && !Number(doc.update_outstanding_for_self) && str(doc.return_against);
  if (againstOriginal) {
    const original = site.getDoc('Sales Invoice', str(doc.return_against));
    const outstanding = round2(Number(original.outstanding_amount) + Number(doc.grand_total));
    site.dbSetValue('Sales Invoice', str(original.name), { outstanding_amount: outstanding });
    const updated = site.getDoc('Sales Invoice', str(original.name));
    site.dbSet('Sales Invoice', updated, { status: invoiceStatus(updated, site) });
    return;
  }
  // Saved as a draft first, then submitted by PUT: validate already set status and outstanding (249).
  if (doc.status !== 'Draft') return;
  const stored = site.getDoc('Sales Invoice', str(doc.name));
  const settled = { ...stored, outstanding_amount: doc.grand_total };
  // db_set on a freshly loaded copy: the response is built from `doc`, which stays stale (279, 323).
  site.dbSet('Sales Invoice', stored, { outstanding_amount: doc.grand_total, status: invoiceStatus(settled, site) });
}

/** `get_link_to_form`: an absolute link to the form (284). */
const formLink = (site: Site, doctype: string, name: string) => `<a href="${site.url}/app/${doctype.toLowerCase().replace(/ /g, '-')}/${encodeURIComponent(name)}">${name}</a>`;

/**
 * AccountsController.validate (ERPNext 15, read from source; the text as 284 shows it): a credit
 * note that keeps its own outstanding says how to settle the original instead.
 */
function returnAgainstNote(doc: Doc, site: Site) {
  if (!Number(doc.is_return) || !str(doc.return_against) || Number(doc.is_pos) || !Number(doc.update_outstanding_for_self)) return;
  const original = formLink(site, 'Sales Invoice', str(doc.return_against));
  site.msgprint(
    `We can see ${bold('Credit Note')} is made against ${original}. If you want ${original}'s outstanding to be updated, uncheck '${bold('Update Outstanding for Self')}' checkbox. <br><br>Or you can use ${formLink(site, 'Payment Reconciliation', 'Payment Reconciliation')} tool to reconcile against ${original} later.`,
  );
}

export const salesInvoice: Controller = {
  validate(doc, site, action) {
    fillMissingValues(doc, site);
    returnAgainstNote(doc, site);
    const inInsert = !site.exists('Sales Invoice', str(doc.name));
    // Submitted invoices carry "No Remarks" by the time submit answers; a draft has none (237, 249, 279).
    if (action === 'submit') doc.remarks ||= 'No Remarks';
    if (action !== 'submit') {
      doc.outstanding_amount = doc.grand_total;
      doc.status = 'Draft';
    } else if (inInsert) {
      // Inserted with docstatus 1: totals are computed but outstanding stays what the body said
      // (0 when absent) and status "Draft" until submit's db_set (279, 284, 323).
      doc.outstanding_amount = Number(doc.outstanding_amount) || 0;
      doc.status = 'Draft';
    } else doc.status = invoiceStatus(doc, site);
  },
  onSubmit: postLedger,
  beforeCancel: (doc, site) => unlinkPaymentsOnCancel(doc, site),
  onCancel(doc, site) {
    site.dbSet('Sales Invoice', doc, { status: 'Cancelled' });
  },
};
