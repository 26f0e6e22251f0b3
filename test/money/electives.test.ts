import { randomUUID } from 'node:crypto';
import { demoStudents } from '../../sandboxes/demo-data';
import { electivesPolicy, enrolmentReference } from '../../src/mapping/electives';
import { taskQueues } from '../../src/common/task-queues';
import { workflowIds } from '../../src/common/workflow-ids';
import { enrolmentCreatedEvent, standardWebhookSignature } from '../../src/webhooks/moodle-contract';
import type { InvoiceElectiveResult } from '../../workflows/invoice-elective';
import type { PollPaidEnrolmentsResult } from '../../workflows/poll-paid-enrolments';
import { eventually, moodleWebhookSecret, startMoneyStack, type MoneyStack } from './money-stack';

jest.setTimeout(120_000);

/*
 * Paid electives end to end on the real dev server with both sandboxes. Deadlines are shortened
 * through the mapping file (seconds instead of days); nothing inside the workflows is mocked.
 */
const mapping = {
  electives: {
    checkInterval: '300ms',
    courses: {
      // Submitted invoices, credited on withdrawal.
      PHO150: { item: 'ELEC-PHO150', rate: 250, currency: 'GBP', paymentDeadline: '5s', withdrawal: 'credit-note' },
      // Drafts, left for finance to submit: a withdrawal deletes them.
      BUS102: { item: 'ELEC-PHO150', rate: 120, currency: 'GBP', submit: false, paymentDeadline: '1h' },
    },
  },
};

let stack: MoneyStack;
const courseIds: Record<string, number> = {};
/** Linked demo students (Moodle idnumber = Student) not enrolled in either elective, handed out one per test. */
const freeUsers: number[] = [];

beforeAll(async () => {
  stack = await startMoneyStack(mapping);
  for (const idnumber of ['PHO150', 'BUS102']) {
    const { courses } = await stack.moodle.getCoursesByField('idnumber', idnumber);
    courseIds[idnumber] = courses[0]!.id;
  }
  const taken = new Set<number>();
  for (const id of Object.values(courseIds)) for (const user of await stack.moodle.getEnrolledUsers(id)) taken.add(user.id);
  const linked = demoStudents.filter((s) => s.moodle === 'linked').map((s) => s.name);
  for (const user of await stack.moodle.getUsersByField('idnumber', linked)) if (!taken.has(user.id)) freeUsers.push(user.id);
});

afterAll(async () => {
  await stack?.close();
});

function nextUser(): number {
  const user = freeUsers.shift();
  if (user === undefined) throw new Error('no free demo student left');
  return user;
}

async function enrol(userId: number, course: string): Promise<void> {
  await stack.moodle.enrolUsers([{ userid: userId, courseid: courseIds[course]!, roleid: 5 }]);
}

function invoicesOf(userId: number, course: string) {
  return stack.erp.getList<{ name: string; docstatus: number; status: string }>('Sales Invoice', {
    fields: ['name', 'docstatus', 'status'],
    filters: [['custom_moodle_enrolment', '=', enrolmentReference(userId, courseIds[course]!)]],
    limitPageLength: 0,
  });
}

async function seat(userId: number, course: string): Promise<'active' | 'suspended' | 'none'> {
  const id = courseIds[course]!;
  if ((await stack.moodle.getEnrolledUsers(id, { onlyactive: true })).some((u) => u.id === userId)) return 'active';
  return (await stack.moodle.getEnrolledUsers(id)).some((u) => u.id === userId) ? 'suspended' : 'none';
}

/** Pays the invoice in full as finance would: ERPNext's get_payment_entry, submitted. */
async function pay(invoice: string): Promise<void> {
  const entry = (await stack.erp.callMethod('erpnext.accounts.doctype.payment_entry.payment_entry.get_payment_entry', { dt: 'Sales Invoice', dn: invoice })) as Record<string, unknown>;
  await stack.erp.insert('Payment Entry', { ...entry, reference_no: 'BANK-1', reference_date: new Date().toISOString().slice(0, 10), docstatus: 1 });
}

const result = (userId: number, course: string) => stack.env.client.workflow.getHandle(workflowIds.elective(userId, courseIds[course]!)).result() as Promise<InvoiceElectiveResult>;

const submittedInvoice = async (userId: number, course: string) => {
  const rows = await eventually(() => invoicesOf(userId, course), (r) => r.some((i) => i.docstatus === 1));
  expect(rows).toHaveLength(1);
  return rows[0]!.name;
};

/** A local_webhookengine delivery of user_enrolment_created, ids as PHP gives them (courseid a string). */
function signedEnrolment(userId: number, courseId: number, options: { webhookId?: string; timestamp?: number; secret?: string } = {}) {
  const webhookId = options.webhookId ?? randomUUID();
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const body = JSON.stringify({
    id: webhookId,
    schema: 1,
    type: 'core.user_enrolment_created',
    eventname: enrolmentCreatedEvent,
    created: Number(timestamp),
    site: { url: stack.moodleSandbox.url },
    event: { objectid: 900_000 + userId, courseid: String(courseId), relateduserid: userId, other: { enrol: 'manual' }, timecreated: Number(timestamp) },
  });
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'webhook-id': webhookId,
      'webhook-timestamp': timestamp,
      'webhook-signature': standardWebhookSignature(options.secret ?? moodleWebhookSecret, webhookId, timestamp, body),
    },
  };
}

const post = (delivery: { body: string; headers: Record<string, string> }) => fetch(`${stack.gatewayUrl}/webhooks/moodle`, { method: 'POST', headers: delivery.headers, body: delivery.body });

test('the webhook and the poll for the same enrolment yield one invoice', async () => {
  const user = nextUser();
  await enrol(user, 'PHO150'); // the sandbox's hook delivers user_enrolment_created to the gateway
  const poll = await stack.env.client.workflow.execute('pollPaidEnrolments', {
    workflowId: `electives-poll:test-${randomUUID()}`,
    taskQueue: taskQueues.workflows,
    args: [{ policy: electivesPolicy(stack.mapping) }],
  });
  const report = (poll as PollPaidEnrolmentsResult).courses.find((c) => c.idnumber === 'PHO150')!;
  expect(report.enrolments).toBeGreaterThanOrEqual(1);
  await submittedInvoice(user, 'PHO150');
  // Let every start of both paths settle, then look again.
  await new Promise((r) => setTimeout(r, 1500));
  expect(await invoicesOf(user, 'PHO150')).toHaveLength(1);
});

test('100 concurrent deliveries of one enrolment yield one workflow and one invoice', async () => {
  const user = nextUser();
  await enrol(user, 'PHO150');
  const answers = await Promise.all(Array.from({ length: 100 }, () => post(signedEnrolment(user, courseIds.PHO150!))));
  expect(answers.map((a) => a.status)).toEqual(Array(100).fill(202));
  const ids = new Set(await Promise.all(answers.map(async (a) => ((await a.json()) as { workflowId: string }).workflowId)));
  expect([...ids]).toEqual([workflowIds.elective(user, courseIds.PHO150!)]);
  await submittedInvoice(user, 'PHO150');
  await new Promise((r) => setTimeout(r, 1000));
  expect(await invoicesOf(user, 'PHO150')).toHaveLength(1);
});

test('paying before the deadline leaves the seat active', async () => {
  const user = nextUser();
  await enrol(user, 'PHO150');
  await pay(await submittedInvoice(user, 'PHO150'));
  const done = await result(user, 'PHO150');
  expect(done).toMatchObject({ outcome: 'paid', suspended: false });
  expect(await seat(user, 'PHO150')).toBe('active');
});

test('an unpaid seat is suspended after the deadline and reinstated when paid later', async () => {
  const user = nextUser();
  await enrol(user, 'PHO150');
  const invoice = await submittedInvoice(user, 'PHO150');
  expect(await eventually(() => seat(user, 'PHO150'), (s) => s === 'suspended', 15_000)).toBe('suspended');
  await pay(invoice);
  expect(await result(user, 'PHO150')).toMatchObject({ outcome: 'paid', suspended: true, invoice });
  expect(await seat(user, 'PHO150')).toBe('active');
});

test('unenrolment deletes a draft invoice', async () => {
  const user = nextUser();
  await enrol(user, 'BUS102');
  const [draft] = await eventually(() => invoicesOf(user, 'BUS102'), (r) => r.length === 1);
  expect(draft).toMatchObject({ docstatus: 0 });
  await stack.moodle.unenrolUsers([{ userid: user, courseid: courseIds.BUS102! }]);
  expect(await result(user, 'BUS102')).toMatchObject({ outcome: 'withdrawn', withdrawal: 'deleted-draft' });
  expect(await invoicesOf(user, 'BUS102')).toHaveLength(0);
});

test('unenrolment after submission credits the invoice once', async () => {
  const user = nextUser();
  await enrol(user, 'PHO150');
  const invoice = await submittedInvoice(user, 'PHO150');
  await stack.moodle.unenrolUsers([{ userid: user, courseid: courseIds.PHO150! }]);
  const done = await result(user, 'PHO150');
  expect(done).toMatchObject({ outcome: 'withdrawn', withdrawal: 'credit-note' });
  const credits = await stack.erp.getList('Sales Invoice', { fields: ['name'], filters: [['return_against', '=', invoice], ['is_return', '=', 1], ['docstatus', '=', 1]] });
  expect(credits.map((c) => c.name)).toEqual([done.creditNote]);
});

describe('authentication of Moodle deliveries', () => {
  /** No such Moodle user: these deliveries must never bill anyone. */
  const stranger = 987_654;

  test('a bad signature is 401', async () => {
    const answer = await post(signedEnrolment(stranger, courseIds.PHO150!, { secret: 'not-the-secret' }));
    expect(answer.status).toBe(401);
  });

  test('a stale timestamp is 401, even correctly signed', async () => {
    const answer = await post(signedEnrolment(stranger, courseIds.PHO150!, { timestamp: Math.floor(Date.now() / 1000) - 3600 }));
    expect(answer.status).toBe(401);
    expect(await answer.text()).toContain('tolerance');
  });

  test('a replayed webhook id is ignored', async () => {
    const user = stranger;
    const delivery = signedEnrolment(user, courseIds.PHO150!);
    const first = await post(delivery);
    expect(first.status).toBe(202);
    expect(await first.json()).toMatchObject({ workflowId: workflowIds.elective(user, courseIds.PHO150!) });
    const replay = await post(delivery);
    expect(replay.status).toBe(202);
    expect(await replay.json()).toMatchObject({ duplicate: true, ignored: 'webhook-id already accepted' });
    // No such Moodle user, so no Student: the run reports it and bills nothing.
    expect(await result(user, 'PHO150')).toMatchObject({ outcome: 'no-student' });
    expect(await invoicesOf(user, 'PHO150')).toHaveLength(0);
  });

  test('a body without the enrolled user is 400 naming the field', async () => {
    const delivery = signedEnrolment(stranger, courseIds.PHO150!);
    const body = JSON.parse(delivery.body);
    delete body.event.relateduserid;
    const raw = JSON.stringify(body);
    const answer = await post({ body: raw, headers: { ...delivery.headers, 'webhook-signature': standardWebhookSignature(moodleWebhookSecret, delivery.headers['webhook-id'], delivery.headers['webhook-timestamp'], raw) } });
    expect(answer.status).toBe(400);
    expect(await answer.text()).toContain('relateduserid');
  });
});
