import { salesInvoice } from './controllers-invoice';
import { companyAbbr, itemControllers } from './controllers-item';
import type { Controller } from './site';
import { str } from './store';

/**
 * The slice of ERPNext selling and accounts the paid elective needs: Customer naming, Account
 * naming, and the Item and Sales Invoice controllers of their own files (Payment Entry's is in
 * controllers-payments.ts, the daily Overdue job in scheduler.ts).
 */

const customer: Controller = {
  /** Selling Settings "Customer Name" naming: a clash gets " - 1", " - 2", … appended, with a note (228). */
  autoname(doc, site) {
    const base = str(doc.customer_name).trim();
    let name = base;
    for (let n = 1; site.exists('Customer', name); n++) name = `${base} - ${n}`;
    // customer.py `set_customer_name`-era note: customer_name itself keeps the name asked for.
    if (name !== base) site.msgprint(`Changed customer name to '${name}' as '${base}' already exists.`, { titled: { title: 'Note', indicator: 'yellow' } });
    return name;
  },
};

const account: Controller = {
  autoname: (doc, site) => `${str(doc.account_name)} - ${companyAbbr(site, str(doc.company))}`,
};

export const accountsControllers: Record<string, Controller> = {
  ...itemControllers,
  Customer: customer,
  Account: account,
  'Sales Invoice': salesInvoice,
};
