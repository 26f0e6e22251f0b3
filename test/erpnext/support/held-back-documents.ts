import { runDailyInvoiceStatusUpdate } from '../../../sandboxes/erpnext/scheduler';
import type { Site } from '../../../sandboxes/erpnext/site';

/**
 * What the roster and money captures (179–370) rely on that no capture in the folder shows being
 * made. The README says some captures are kept back (their numbers are missing); the state they
 * left, and what earlier runs left on the site before 001, is rebuilt here from what later
 * captures name, and nothing more.
 */
export function seedHeldBackDocuments(site: Site) {
  site.transaction(() => {
    // 146 lists CBq0848-A with its course_name, so it existed (held-back 143 `course-insert-a`).
    site.insert('Course', { course_name: 'CBq0848-A' });
    // Names of pre-existing students that only 195 and 219 show.
    site.dbSetValue('Student', 'EDU-STU-2026-00004', { first_name: 'Katherine', last_name: "O'Johnson", student_name: "Katherine O'Johnson" }, { updateModified: false });
    site.dbSetValue('Student', 'EDU-STU-2026-00005', { first_name: 'Diff1', last_name: 'RunFWD9A', student_name: 'Diff1 RunFWD9A' }, { updateModified: false });
    // 200 books HTL-ROOM-2026-00001.
    site.insert('Room', { room_name: 'Room 1', seating_capacity: 30 });
    // 204 plans an assessment in "CB Final Exams" with criterion "Final Grade" on "CB Scale"; 207/214 grade 85 and 91 "A".
    site.insert('Assessment Group', { assessment_group_name: 'CB Final Exams' });
    site.insert('Assessment Criteria', { assessment_criteria: 'Final Grade' });
    const thresholds: [string, number][] = [['A', 80], ['B', 60], ['C', 40], ['F', 0]];
    site.insert('Grading Scale', { grading_scale_name: 'CB Scale', docstatus: 1, intervals: thresholds.map(([grade_code, threshold]) => ({ grade_code, threshold })) });
    // The site's Student Attendance carries a customised Link fetched from the group's program (216, 222; absent in 223, whose group is set later by the controller).
    site.insert('Custom Field', { dt: 'Student Attendance', fieldname: 'link_nvfk', fieldtype: 'Link', options: 'Program', fetch_from: 'student_group.program' });
    // What ERPNext's setup wizard made for the Company: the accounts, cost center, warehouse and
    // selling price list the invoices and payments of 237–333 default to, and the standard
    // Customer Groups (228 uses "Commercial").
    const company = 'Campus Demo University';
    const accounts: [string, string][] = [['Debtors', 'Receivable'], ['Sales', 'Income Account'], ['Cash', 'Cash'], ['Bank Account', 'Bank'], ['Cost of Goods Sold', 'Cost of Goods Sold']];
    for (const [account_name, account_type] of accounts) site.insert('Account', { account_name, company, account_type });
    site.insert('Cost Center', { cost_center_name: 'Main', company });
    // The setup wizard then makes them the Company's defaults, which Fee Structure fetches (338).
    site.dbSetValue('Company', company, { default_receivable_account: 'Debtors - CDU', cost_center: 'Main - CDU' }, { updateModified: false });
    site.insert('Warehouse', { warehouse_name: 'Stores', company });
    site.insert('Price List', { price_list_name: 'Standard Selling', currency: 'USD', selling: 1 });
    // …and the wizard's default selling price list (231).
    site.dbSetValue('Selling Settings', 'Selling Settings', { selling_price_list: 'Standard Selling' }, { updateModified: false });
    for (const customer_group_name of ['Commercial', 'Government', 'Non Profit']) site.insert('Customer Group', { customer_group_name });
  });
  // Earlier runs' numbers: 204 is EDU-ASP-2026-00005, 207 EDU-RES-2026-00205, 216 EDU-ATT-2026-00207.
  const skip = (prefix: string, count: number) => {
    for (let i = 0; i < count; i++) site.store.nextSeries(prefix);
  };
  skip('EDU-ASP-2026-', 4);
  skip('EDU-RES-2026-', 204);
  skip('EDU-ATT-2026-', 206);
}

/** State changes of held-back captures, run just before the capture that follows them. */
export const heldBackSteps: Record<number, { capture: string; run(site: Site): void }> = {
  // 356 lists "Capture Sales Invoice on_change q0848" and deliveries 252/256/… show its template,
  // secret and Content-Type row: made like its siblings 105–107, at their listener's address.
  109: {
    capture: '108 webhook create sales invoice on_change',
    run: (site) => {
      const sibling = site.getDoc('Webhook', 'Capture Sales Invoice on_update q0848');
      site.insert('Webhook', {
        ...Object.fromEntries(['webhook_doctype', 'request_method', 'request_structure', 'webhook_json', 'enable_security', 'enabled'].map((key) => [key, sibling[key]])),
        name: 'Capture Sales Invoice on_change q0848',
        webhook_docevent: 'on_change',
        request_url: `${new URL(String(sibling.request_url)).origin}/wh/sales-invoice/on_change`,
        webhook_secret: 'capture-secret-1',
        webhook_headers: [{ key: 'Content-Type', value: 'application/json' }],
      });
    },
  },
  // 172 lists the Course Enrollments "after amend submit": 171 submitted the amendment 170 made.
  172: { capture: '171 program enrollment amend submit', run: (site) => site.save('Program Enrollment', 'EDU-ENR-2026-00009-1', { docstatus: 1 }) },
  // 214 amends EDU-RES-2026-00205, so 213 cancelled it (README: cancel = frappe.client.cancel, 213).
  214: { capture: '213 assessment result cancel', run: (site) => site.cancel('Assessment Result', 'EDU-RES-2026-00205') },
  // 256 (its on_change delivery) and 291's body show po_no PO-q0848 written after submit.
  257: { capture: '255 sales invoice update allow_on_submit po_no', run: (site) => site.save('Sales Invoice', 'ACC-SINV-2026-00001', { po_no: 'PO-q0848' }) },
  // 270/271 (deliveries) and 273 (its GET): ACC-PAY-2026-00002, 200 by wire to the bank, inserted then submitted.
  272: {
    capture: '269 payment entry submit full',
    run: (site) => {
      const payment = site.insert('Payment Entry', {
        payment_type: 'Receive',
        company: 'Campus Demo University',
        mode_of_payment: 'Wire Transfer',
        party_type: 'Customer',
        party: 'Capture Student q0848',
        paid_from: 'Debtors - CDU',
        paid_to: 'Bank Account - CDU',
        paid_amount: 200,
        received_amount: 200,
        reference_no: 'WIRE-q0848',
        reference_date: '2026-12-01',
        references: [{ reference_doctype: 'Sales Invoice', reference_name: 'ACC-SINV-2026-00001', allocated_amount: 200, exchange_rate: 1 }],
      });
      site.save('Payment Entry', String(payment.name), { docstatus: 1 });
    },
  },
  // README "Scheduler": ACC-SINV-2026-00005 (due today, 300) had its due date moved back a day by
  // SQL (invoice and payment schedule), then `update_invoice_status` ran (304 → 305).
  305: {
    capture: '304 daily update_invoice_status',
    run: (site) => {
      const invoice = site.getDoc('Sales Invoice', 'ACC-SINV-2026-00005');
      const yesterday = new Date(Date.parse(`${String(invoice.due_date)}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
      const schedule = (invoice.payment_schedule as Record<string, unknown>[]).map((row) => ({ ...row, due_date: yesterday }));
      site.dbSetValue('Sales Invoice', 'ACC-SINV-2026-00005', { due_date: yesterday, payment_schedule: schedule }, { updateModified: false });
      runDailyInvoiceStatusUpdate(site);
    },
  },
  // 228 inserts "Sponsor q0848" again and gets " - 1": the kept-back 227 made the first one.
  228: { capture: '227 customer insert', run: (site) => site.insert('Customer', { customer_name: 'Sponsor q0848', customer_type: 'Company', customer_group: 'Commercial' }) },
  // 319–321 (deliveries): the limited user submitted ACC-SINV-2026-00007 (status Unpaid, 10).
  322: { capture: '318 sales invoice submit by limited user', run: (site) => site.save('Sales Invoice', 'ACC-SINV-2026-00007', { docstatus: 1 }) },
};

/** Runs the held-back step due before capture `number`, in its own request transaction. */
export function runHeldBackStep(site: Site, number: number) {
  const step = heldBackSteps[number];
  if (step) site.transaction(() => step.run(site));
}
