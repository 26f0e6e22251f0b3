import { pythonCrash, validationError } from './frappe-errors';
import type { Controller, Site } from './site';
import { type ChildRow, type Doc, str } from './store';
import { unlinkPaymentsOnCancel } from './controllers-payments';
import { companyAbbr, itemControllers } from './controllers-item';

/**
 * The slice of ERPNext selling and accounts the paid elective needs: Customer naming, Sales Invoice
 * missing values, totals and status, credit notes, and what submit and cancel do to outstanding
 * amounts. Payment Entry lives in controllers-payments.ts, the daily Overdue job in scheduler.ts.
 */
export const rows = (doc: Doc, table: string) => (doc[table] as ChildRow[] | undefined) ?? [];
export const round2 = (n: number) => Math.round(n * 100) / 100;


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

const customer: Controller = {
  /** Selling Settings "Customer Name" naming: a clash gets " - 1", " - 2", … appended, with a note (228). */
  autoname(doc, site) {
    const base = str(doc.customer_name).trim();
    let name = base;
    for (let n = 1; site.exists('Customer', name); n++) name = `${base} - ${n}`;
    if (name !== base) site.msgprint(`Changed customer name to '${name}' as '${base}' already exists.`);
    return name;
  },
};

const account: Controller = {
  autoname: (doc, site) => `${str(doc.account_name)} - ${companyAbbr(site, str(doc.company))}`,
};

function fillMissingValues(doc: Doc, site: Site) {
  // Link validation skips `customer` (customer_name is fetched from it), so an unknown customer
  // reaches `get_party_details` → `get_payment_terms_template`, which reads a field off None (240).
  if (!site.exists('Customer', str(doc.customer))) pythonCrash('AttributeError', "'NoneType' object has no attribute 'payment_terms'");
  // No items: `calculate_taxes_and_totals` subtracts from a total that was never set (239); the
  // mandatory check on `items` comes later and is never reached.
  if (!rows(doc, 'items').length) pythonCrash('TypeError', "unsupported operand type(s) for -: 'NoneType' and 'float'");
  if (!str(doc.company)) {
    const companies = site.all('Company');
    if (companies.length === 1) doc.company = companies[0].name;
  }
  const company = str(doc.company);
  const abbr = companyAbbr(site, company);
  if (company && site.exists('Company', company)) {
    doc.currency ||= site.getDoc('Company', company).default_currency;
    if (!str(doc.debit_to) && site.exists('Account', `Debtors - ${abbr}`)) doc.debit_to = `Debtors - ${abbr}`;
  }
  // A credit note is due the day it is posted (284, 308).
  if (Number(doc.is_return)) doc.due_date = doc.posting_date;
  doc.due_date ||= doc.posting_date;
  if (str(doc.due_date) < str(doc.posting_date)) validationError('Due Date cannot be before Posting / Supplier Invoice Date');
  const priceList = str(doc.selling_price_list) || 'Standard Selling';
  if (site.exists('Price List', priceList)) doc.selling_price_list = priceList;
  let total = 0;
  for (const item of rows(doc, 'items')) {
    if (str(item.item_code) && site.exists('Item', str(item.item_code))) {
      const master = site.getDoc('Item', str(item.item_code));
      item.item_name ||= master.item_name;
      item.uom ||= master.stock_uom;
      if (!Number(item.price_list_rate)) {
        const price = site.all('Item Price').find((p) => p.item_code === item.item_code && p.price_list === priceList);
        item.price_list_rate = price ? Number(price.price_list_rate) : Number(master.standard_rate);
      }
    }
    if (!Number(item.rate)) item.rate = round2(Number(item.price_list_rate) * (1 - Number(item.discount_percentage) / 100));
    item.amount = round2(Number(item.qty) * Number(item.rate));
    if (!str(item.income_account) && site.exists('Account', `Sales - ${abbr}`)) item.income_account = `Sales - ${abbr}`;
    total += Number(item.amount);
  }
  doc.total = doc.net_total = doc.grand_total = doc.rounded_total = round2(total);
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

const salesInvoice: Controller = {
  validate(doc, site, action) {
    fillMissingValues(doc, site);
    const inInsert = !site.exists('Sales Invoice', str(doc.name));
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

export const accountsControllers: Record<string, Controller> = {
  ...itemControllers,
  Customer: customer,
  Account: account,
  'Sales Invoice': salesInvoice,
};
