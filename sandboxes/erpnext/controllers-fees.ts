import { educationControllers } from './controllers-education';
import { bold, validationError } from './frappe-errors';
import { moneyInWords } from './money-in-words';
import { rows } from './money-math';
import type { Controller, Site } from './site';
import { type ChildRow, type Doc, str } from './store';

/**
 * Education's fee controllers (education/education/doctype/{fee_category,fee_structure,
 * fee_schedule}/*.py, Education 15.5 @ 1634577, read from source where the captures 336–347 show
 * only the outcome): a Fee Category is mirrored by an Item, a Fee Structure totals its discounted
 * components, a Fee Schedule counts the students of its groups, and a Program Enrollment's fee
 * rows become one Sales Invoice per row on submit (`create_sales_invoice`).
 */

/** A check of Education Settings (a Single, ./singles); before it is installed it reads as 0. */
function educationSetting(site: Site, fieldname: string): number {
  if (!site.meta.field('Education Settings', fieldname)) return 0;
  return Number(site.store.get('Education Settings', 'Education Settings')?.[fieldname]) || 0;
}

/** `frappe.utils.comma_and`: "a", "a and b", "a, b and c". */
const commaAnd = (items: string[]) => (items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`);

/** fee_category.py `update_item_defaults`: the category's accounting defaults as Item Default rows. */
const itemDefaults = (defaults: ChildRow[]) => defaults.map((d) => ({ company: d.company, selling_cost_center: d.selling_cost_center, income_account: d.income_account, default_warehouse: '' }) as ChildRow);

/** fee_category.py `create_item`: an existing Item of that name is reused, else a service Item in "Fee Component". */
function createItem(site: Site, itemCode: string, description: unknown, defaults: ChildRow[]): string {
  if (site.exists('Item', itemCode)) return str(site.getDoc('Item', itemCode).name);
  const item = site.insert('Item', { item_code: itemCode, description, item_group: 'Fee Component', is_sales_item: 1, is_stock_item: 0, item_defaults: itemDefaults(defaults) });
  return str(item.name);
}

const feeCategory: Controller = {
  validate(doc) {
    // `update_defaults_from_item_group`: the seeded "Fee Component" group has no defaults to copy.
    const companies = rows(doc, 'item_defaults').map((d) => str(d.company));
    if (new Set(companies).size !== companies.length) validationError('Cannot set multiple Item Defaults for a company.');
  },
  afterInsert(doc, site) {
    // `self.item = create_item(self); self.save()`: the answer carries the item and the save's stamp (336).
    const item = createItem(site, str(doc.name), doc.description, rows(doc, 'item_defaults'));
    const saved = site.save('Fee Category', str(doc.name), { item });
    Object.assign(doc, { item, modified: saved.modified });
  },
  onUpdate(doc, site) {
    // `update_item`: the Item follows the category's name, description and per-company defaults.
    if (!site.exists('Item', str(doc.name))) return;
    const item = site.getDoc('Item', str(doc.name));
    const wanted = rows(doc, 'item_defaults');
    const kept = rows(item, 'item_defaults').filter((d) => wanted.some((w) => w.company === d.company));
    for (const w of wanted) {
      const row = kept.find((d) => d.company === w.company);
      if (row) Object.assign(row, { selling_cost_center: w.selling_cost_center, income_account: w.income_account });
      else kept.push(...itemDefaults([w]));
    }
    site.save('Item', str(item.name), { item_name: doc.name, description: doc.description, item_defaults: kept });
  },
  onTrash(doc, site) {
    if (site.exists('Item', str(doc.name))) site.delete('Item', str(doc.name));
  },
};

const feeStructure: Controller = {
  validate(doc, site) {
    let total = 0;
    for (const c of rows(doc, 'components')) {
      c.total = Number(c.amount) - Number(c.amount) * (Number(c.discount) / 100);
      total += Number(c.total);
    }
    doc.total_amount = total;
    for (const c of rows(doc, 'components')) if (Number(c.discount) > 100) validationError(`Discount cannot be greater than 100%  in row ${String(c.idx)}`);
    // `validate_component_defaults`: a plain msgprint, not an error.
    for (const c of rows(doc, 'components')) {
      const hasIncomeAccount = site.exists('Fee Category', str(c.fees_category)) && rows(site.getDoc('Fee Category', str(c.fees_category)), 'item_defaults').some((d) => d.company === doc.company && str(d.income_account));
      if (!hasIncomeAccount) site.msgprint(`Accounting Defaults are not set in row ${bold(c.idx)} for component ${bold(c.fees_category)} `);
    }
  },
  beforeSubmit(doc, site) {
    // A component without an item gets one named after its category, written back to the category.
    for (const c of rows(doc, 'components')) {
      if (str(c.item)) continue;
      const category = site.getDoc('Fee Category', str(c.fees_category));
      c.item = createItem(site, str(c.fees_category), c.description, rows(category, 'item_defaults'));
      site.save('Fee Category', str(category.name), { item: c.item });
    }
  },
};

/** fee_schedule.py `get_students`: active members of the group with a submitted enrollment in the year (and term, category). */
function scheduleStudents(site: Site, group: string, schedule: Doc): string[] {
  if (!site.exists('Student Group', group)) return [];
  const members = rows(site.getDoc('Student Group', group), 'students').filter((s) => Number(s.active) === 1);
  const enrolled = site.rows('Program Enrollment').filter(
    (pe) =>
      pe.docstatus === 1 &&
      pe.academic_year === schedule.academic_year &&
      (!str(schedule.academic_term) || pe.academic_term === schedule.academic_term) &&
      (!str(schedule.student_category) || pe.student_category === schedule.student_category),
  );
  // A join: one row per matching (member, enrollment) pair.
  return members.flatMap((m) => enrolled.filter((pe) => pe.student === m.student).map(() => str(m.student)));
}

const feeSchedule: Controller = {
  validate(doc, site) {
    doc.total_amount = rows(doc, 'components').reduce((sum, c) => sum + Number(c.total), 0);
    let students = 0;
    for (const g of rows(doc, 'student_groups')) {
      // Set as a number by the controller although the column is Data (342).
      g.total_students = scheduleStudents(site, str(g.student_group), doc).length;
      students += Number(g.total_students);
      const groupProgram = site.exists('Student Group', str(g.student_group)) ? str(site.getDoc('Student Group', str(g.student_group)).program) : '';
      if (str(doc.program) && groupProgram && doc.program !== groupProgram) site.msgprint(`Program in the Fee Structure and Student Group ${str(g.student_group)} are different.`);
    }
    doc.grand_total = students * Number(doc.total_amount);
    // `money_in_words` without a currency: the site's default currency, the company's here.
    const companyCurrency = site.exists('Company', str(doc.company)) ? str(site.getDoc('Company', str(doc.company)).default_currency) : '';
    doc.grand_total_in_words = moneyInWords(Number(doc.grand_total), companyCurrency);
    const structureCategories = site.exists('Fee Structure', str(doc.fee_structure)) ? rows(site.getDoc('Fee Structure', str(doc.fee_structure)), 'components').map((c) => c.fees_category) : [];
    for (const c of rows(doc, 'components')) {
      if (!structureCategories.includes(c.fees_category)) {
        site.msgprint(`Fee Component ${str(c.fees_category)} is not part of Fee Structure ${bold(`<a href="/app/Form/Fee Structure/${str(doc.fee_structure)}">${str(doc.fee_structure)}</a>`)}`, { alert: true });
      }
    }
    // `validate_total_against_fee_strucuture`: the stored schedules of the structure, before this one is written.
    const scheduled = site.rows('Fee Schedule').filter((s) => s.fee_structure === doc.fee_structure).reduce((sum, s) => sum + Number(s.total_amount), 0);
    const structureTotal = site.exists('Fee Structure', str(doc.fee_structure)) ? Number(site.getDoc('Fee Structure', str(doc.fee_structure)).total_amount) : 0;
    if (scheduled > structureTotal) site.msgprint('Total amount of Fee Schedules exceeds the Total Amount of Fee Structure', { alert: true });
  },
  beforeSubmit(doc, site) {
    doc.status = educationSetting(site, 'create_so') ? 'Order Pending' : 'Invoice Pending';
  },
};

/** fee_schedule.py `get_customer_from_student`: the student's Customer, made first if it has none. */
function customerOf(site: Site, studentName: string): string {
  const student = site.getDoc('Student', studentName);
  if (!str(student.customer)) educationControllers.Student.onUpdate?.(student, site);
  return str(site.getDoc('Student', studentName).customer);
}

/**
 * fee_schedule.py `create_sales_invoice`: the schedule mapped onto a draft Sales Invoice
 * (`get_fees_mapped_doc`: same-named fields, posting and due date, one row per component priced at
 * its amount less its discount, qty 1), submitted only with `auto_submit_sales_invoice` (345–347).
 */
export function createFeeInvoice(site: Site, scheduleName: string, studentName: string): string {
  const schedule = site.getDoc('Fee Schedule', scheduleName);
  const items = rows(schedule, 'components').map((c) => ({ item_code: c.item, price_list_rate: c.amount, discount_percentage: c.discount, description: c.description, qty: 1, cost_center: '' }));
  const invoice = site.insert('Sales Invoice', {
    customer: customerOf(site, studentName),
    student: studentName,
    fee_schedule: schedule.name,
    company: schedule.company,
    currency: schedule.currency,
    cost_center: schedule.cost_center,
    letter_head: schedule.letter_head,
    posting_date: schedule.posting_date,
    due_date: schedule.due_date,
    // Education Settings `sales_invoice_posting_date_fee_schedule` (on by default): keep the schedule's posting date.
    ...(educationSetting(site, 'sales_invoice_posting_date_fee_schedule') ? { set_posting_time: 1 } : {}),
    items,
  });
  if (educationSetting(site, 'auto_submit_sales_invoice')) site.save('Sales Invoice', str(invoice.name), { docstatus: 1 });
  return str(invoice.name);
}

/** program_enrollment.py `make_fee_records`: an invoice per fee row, listed in one msgprint (345). */
export function makeFeeRecords(enrollment: Doc, site: Site) {
  if (educationSetting(site, 'create_so')) validationError('Sales Orders are not modelled by the sandbox (Education Settings create_so)');
  const invoices = rows(enrollment, 'fees').map((fee) => createFeeInvoice(site, str(fee.fee_schedule), str(enrollment.student)));
  if (invoices.length) site.msgprint(`Fee Records Created - ${commaAnd(invoices.map((name) => `<a href="/app/Form/Sales Invoice/${name}" target="_blank">${name}</a>`))}`);
}

export const feeControllers: Record<string, Controller> = {
  'Fee Category': feeCategory,
  'Fee Structure': feeStructure,
  'Fee Schedule': feeSchedule,
};
