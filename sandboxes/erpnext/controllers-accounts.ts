import { bold, validationError } from './frappe-errors';
import type { Controller, Site } from './site';
import { type ChildRow, type Doc, str } from './store';

/**
 * The slice of ERPNext selling and accounts the paid elective needs: Customer naming, Sales Invoice
 * missing values, totals and status, and a Payment Entry whose submit settles its invoices
 * (`update_voucher_outstanding` → `set_status(update=True)` → db_set, so `on_change` fires).
 */
const rows = (doc: Doc, table: string) => (doc[table] as ChildRow[] | undefined) ?? [];
const round2 = (n: number) => Math.round(n * 100) / 100;

function companyAbbr(site: Site, company: string): string {
  return site.exists('Company', company) ? str(site.getDoc('Company', company).abbr) : '';
}

/** Paid, Partly Paid, Overdue or Unpaid for a submitted invoice (`SalesInvoice.set_status`). */
export function invoiceStatus(invoice: Doc, today: string): string {
  const outstanding = Number(invoice.outstanding_amount);
  if (outstanding <= 0) return 'Paid';
  if (str(invoice.due_date) && str(invoice.due_date) < today) return 'Overdue';
  if (outstanding < Number(invoice.grand_total)) return 'Partly Paid';
  return 'Unpaid';
}

const customer: Controller = {
  /** Selling Settings "Customer Name" naming: a clash gets " - 1", " - 2", … appended. */
  autoname(doc, site) {
    const base = str(doc.customer_name).trim();
    let name = base;
    for (let n = 1; site.exists('Customer', name); n++) name = `${base} - ${n}`;
    return name;
  },
};

const account: Controller = {
  autoname: (doc, site) => `${str(doc.account_name)} - ${companyAbbr(site, str(doc.company))}`,
};

const salesInvoice: Controller = {
  validate(doc, site, action) {
    if (!str(doc.company)) {
      const companies = site.all('Company');
      if (companies.length === 1) doc.company = companies[0].name;
    }
    const company = str(doc.company);
    if (company && site.exists('Company', company)) {
      doc.currency ||= site.getDoc('Company', company).default_currency;
      const debtors = `Debtors - ${companyAbbr(site, company)}`;
      if (!str(doc.debit_to) && site.exists('Account', debtors)) doc.debit_to = debtors;
    }
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
      const income = `Sales - ${companyAbbr(site, company)}`;
      if (!str(item.income_account) && site.exists('Account', income)) item.income_account = income;
      total += Number(item.amount);
    }
    doc.total = doc.net_total = doc.grand_total = round2(total);
    doc.outstanding_amount = doc.grand_total;
    doc.status = action === 'submit' ? invoiceStatus(doc, site.clock.today()) : 'Draft';
  },
  onCancel(doc, site) {
    site.dbSet('Sales Invoice', doc, { status: 'Cancelled' });
  },
};

const paymentEntry: Controller = {
  validate(doc, site) {
    if (str(doc.party_type) && !str(doc.party)) validationError('Party is mandatory');
    let allocated = 0;
    for (const ref of rows(doc, 'references')) {
      if (ref.reference_doctype !== 'Sales Invoice') validationError(`Reference Doctype must be one of Sales Invoice`);
      const invoice = site.getDoc('Sales Invoice', str(ref.reference_name));
      if (invoice.docstatus !== 1) validationError(`${bold(`Sales Invoice ${str(invoice.name)}`)} must be submitted`);
      if (str(doc.party) && invoice.customer !== doc.party) validationError(`Sales Invoice ${str(invoice.name)} is not associated with ${str(doc.party_type)} ${str(doc.party)}`);
      ref.total_amount = invoice.grand_total;
      ref.outstanding_amount = invoice.outstanding_amount;
      if (Number(ref.allocated_amount) > Number(invoice.outstanding_amount)) {
        validationError(`Row #${String(ref.idx)}: Allocated Amount cannot be greater than outstanding amount.`);
      }
      allocated += Number(ref.allocated_amount);
    }
    if (allocated > Number(doc.paid_amount)) validationError('Total Allocated Amount cannot be greater than Paid Amount');
  },
  onSubmit(doc, site) {
    settle(doc, site, -1);
  },
  onCancel(doc, site) {
    settle(doc, site, 1);
  },
};

/** Moves each referenced invoice's outstanding amount by the allocation and re-derives its status. */
function settle(payment: Doc, site: Site, sign: 1 | -1) {
  for (const ref of rows(payment, 'references')) {
    const invoice = site.getDoc('Sales Invoice', str(ref.reference_name));
    const outstanding = round2(Number(invoice.outstanding_amount) + sign * Number(ref.allocated_amount));
    site.dbSet('Sales Invoice', invoice, { outstanding_amount: outstanding });
    site.dbSet('Sales Invoice', invoice, { status: invoiceStatus({ ...invoice, outstanding_amount: outstanding }, site.clock.today()) });
  }
}

export const accountsControllers: Record<string, Controller> = {
  Customer: customer,
  Account: account,
  'Sales Invoice': salesInvoice,
  'Payment Entry': paymentEntry,
};
