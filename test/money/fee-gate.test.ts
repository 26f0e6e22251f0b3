import { demoAcademicTerm, demoAcademicYear, demoCompany, demoPrograms } from '../../sandboxes/demo-data';
import { workflowIds } from '../../src/common/workflow-ids';
import { feeGateQuery } from '../../workflows/fee-gate';
import type { OnboardStudentResult } from '../../workflows/onboard-student';
import { eventually, startMoneyStack, type MoneyStack } from './money-stack';

jest.setTimeout(120_000);

/*
 * Fee-gated onboarding end to end on the real dev server with both sandboxes: a new Student's
 * after_insert starts onboarding through the gateway, which waits for the registration fee. The
 * re-read interval is an hour, so only the invoice's on_change webhook (fired by the Payment
 * Entry, captures 264/270) can wake it within the test.
 */
const feeItem = 'REG-FEE';
const mapping = { onboarding: { requirePaidFee: true, feeItem, feeCheckInterval: '1h' } };
const adminToken = 'money-admin-token';

let stack: MoneyStack;
let serial = 0;

beforeAll(async () => {
  stack = await startMoneyStack(mapping);
  await stack.erp.insert('Item', { item_code: feeItem, item_name: 'Registration fee', item_group: 'Services', stock_uom: 'Nos', is_stock_item: 0 });
});

afterAll(async () => {
  await stack?.close();
});

/** A new admit with a submitted Program Enrollment; its after_insert webhook starts onboarding. */
async function admit(): Promise<{ name: string; email: string }> {
  const email = `fee.gate.${process.pid}.${++serial}@example.org`;
  const student = (await stack.erp.insert('Student', { first_name: 'Fee', last_name: `Gate${serial}`, student_email_id: email })) as { name: string };
  await stack.erp.insert('Program Enrollment', {
    student: student.name,
    program: demoPrograms[0]!.name,
    academic_year: demoAcademicYear.name,
    academic_term: demoAcademicTerm.name,
    enrollment_date: new Date().toISOString().slice(0, 10),
    docstatus: 1,
  });
  return { name: student.name, email };
}

async function feeInvoice(student: string): Promise<string> {
  // Education sets Student.customer just after the insert answered: re-read it.
  const { customer } = await eventually(() => stack.erp.getDoc('Student', student) as Promise<{ customer?: string | null }>, (s) => !!s.customer);
  const today = new Date().toISOString().slice(0, 10);
  const invoice = await stack.erp.insert('Sales Invoice', {
    customer,
    student,
    company: demoCompany.name,
    posting_date: today,
    due_date: today,
    items: [{ item_code: feeItem, qty: 1, rate: 150 }],
  });
  await stack.erp.update('Sales Invoice', invoice.name, { docstatus: 1 });
  return invoice.name;
}

async function pay(invoice: string): Promise<void> {
  const entry = (await stack.erp.callMethod('erpnext.accounts.doctype.payment_entry.payment_entry.get_payment_entry', { dt: 'Sales Invoice', dn: invoice })) as Record<string, unknown>;
  await stack.erp.insert('Payment Entry', { ...entry, reference_no: 'BANK-FEE', reference_date: new Date().toISOString().slice(0, 10), docstatus: 1 });
}

async function waitingOnFee(): Promise<string[]> {
  const ids: string[] = [];
  for await (const execution of stack.env.client.workflow.list({ query: 'WaitingOn = "fee" AND ExecutionStatus = "Running"' })) ids.push(execution.workflowId);
  return ids;
}

const moodleAccounts = async (email: string) => stack.moodle.getUsersByField('email', [email]);
const mailTo = async (email: string) => ((await (await fetch(`${stack.moodleSandbox.url}/__sandbox/mail`)).json()) as { to: string }[]).filter((m) => m.to === email);

test('onboarding creates nothing in Moodle until the registration fee is paid, then creates, enrols and welcomes', async () => {
  const student = await admit();
  const workflowId = workflowIds.onboard(student.name);
  expect(await eventually(waitingOnFee, (ids) => ids.includes(workflowId))).toContain(workflowId);
  const invoice = await feeInvoice(student.name);

  const handle = stack.env.client.workflow.getHandle(workflowId);
  // An unpaid invoice wakes nothing (the gateway signals only a paid one): the gate still waits.
  expect(await handle.query(feeGateQuery)).toMatchObject({ studentId: student.name, invoice: null });
  expect(await moodleAccounts(student.email)).toHaveLength(0);
  expect(await mailTo(student.email)).toHaveLength(0);

  await pay(invoice);
  const result = (await handle.result()) as OnboardStudentResult;
  expect(result).toMatchObject({ studentId: student.name, outcome: 'created' });
  expect(result.enrolledCourses.length).toBeGreaterThan(0);
  const [account] = await moodleAccounts(student.email);
  expect(account?.idnumber).toBe(student.name);
  expect(await mailTo(student.email)).toHaveLength(1);
  expect(await waitingOnFee()).not.toContain(workflowId);
});

test('an operator sees the wait and releases it through the admin API, with a reason', async () => {
  const student = await admit();
  const workflowId = workflowIds.onboard(student.name);
  await eventually(waitingOnFee, (ids) => ids.includes(workflowId));
  const operatorUrl = stack.operatorUrl;
  const headers = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };

  const listed = (await (await fetch(`${operatorUrl}/admin/fee-gates`, { headers })).json()) as { waiting: { workflowId: string }[] };
  expect(listed.waiting.map((w) => w.workflowId)).toContain(workflowId);
  expect(await moodleAccounts(student.email)).toHaveLength(0);

  const noReason = await fetch(`${operatorUrl}/admin/fee-gates/${encodeURIComponent(student.name)}/release`, { method: 'POST', headers, body: JSON.stringify({ reason: ' ' }) });
  expect(noReason.status).toBe(400);
  const released = await fetch(`${operatorUrl}/admin/fee-gates/${encodeURIComponent(student.name)}/release`, { method: 'POST', headers, body: JSON.stringify({ reason: 'bursary agreed by finance' }) });
  expect(released.status).toBe(200);
  expect(await released.json()).toEqual({ workflowId, accepted: 'released' });

  const result = (await stack.env.client.workflow.getHandle(workflowId).result()) as OnboardStudentResult;
  expect(result.outcome).toBe('created');
  expect(await moodleAccounts(student.email)).toHaveLength(1);
  const again = await fetch(`${operatorUrl}/admin/fee-gates/${encodeURIComponent(student.name)}/release`, { method: 'POST', headers, body: JSON.stringify({ reason: 'twice' }) });
  expect([404, 409]).toContain(again.status);
});
