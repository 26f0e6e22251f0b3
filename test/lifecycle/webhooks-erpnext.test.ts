import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import Fastify, { type FastifyInstance } from 'fastify';
import { frappeSignature } from '../../src/webhooks/erpnext-contract';
import { erpnextWebhookRoutes } from '../../src/gateway/routes/webhooks-erpnext';
import { lifecyclePolicy } from '../../src/mapping/lifecycle-policy';
import { mappingSchema } from '../../src/config/mapping-file';
import { StudentId, SyncKind } from '../../src/common/search-attributes';
import { admissionPriority } from '../../src/common/task-priorities';
import { freePort } from '../support/free-port';
import { connectTestEnv, type TemporalTestEnv } from '../support/temporal';

// No workers here: these tests are about what the gateway starts (or refuses to start).
const secret = 'test-webhook-secret';
const previousSecret = 'test-webhook-secret-before-rotation';
/** A document version as Frappe renders `doc.modified` (capture 292). */
const modified = '2026-12-01 08:55:13.393763';
let env: TemporalTestEnv;
let app: FastifyInstance;
let base: string;
let serial = 0;
const policy = lifecyclePolicy(mappingSchema.parse({}));

interface Posted {
  statusCode: number;
  json(): { workflowId?: string; duplicate?: boolean; error?: string };
}

/**
 * Real HTTP (light-my-request's ESM cookie dependency does not load under jest's CommonJS). A
 * byte body makes fetch send no Content-Type, as Frappe does.
 */
async function post(path: string, init: { body: string; headers?: Record<string, string> }): Promise<Posted> {
  const response = await fetch(`${base}${path}`, { method: 'POST', headers: init.headers, body: Buffer.from(init.body, 'utf8') });
  const text = await response.text();
  return { statusCode: response.status, json: () => JSON.parse(text) };
}

/** A body as Frappe serialises it (json.dumps: ", " and ": " separators), signed the way Frappe signs it. */
function signedBody(doc: Record<string, string>, signWith = secret) {
  const body = `{${Object.entries(doc).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(', ')}}`;
  return { body, headers: { 'x-frappe-webhook-signature': frappeSignature(body, signWith) } };
}

/** What setup's template renders for `route`'s event: the document's fields, the event and the version. */
function frappeDelivery(route: string, doc: Record<string, string>, signWith = secret) {
  return signedBody({ event: route.split('/')[1], ...doc, modified }, signWith);
}

const uniqueStudent = () => `EDU-STU-2026-9${String(++serial).padStart(4, '0')}-${process.pid}`;

async function runsOf(workflowId: string): Promise<number> {
  let runs = 0;
  for await (const execution of env.client.workflow.list({ query: `WorkflowId = "${workflowId}"` })) if (execution.workflowId === workflowId) runs++;
  return runs;
}

async function exists(workflowId: string): Promise<boolean> {
  try {
    await env.client.workflow.getHandle(workflowId).describe();
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

beforeAll(async () => {
  env = await connectTestEnv();
  app = Fastify();
  await app.register(erpnextWebhookRoutes, { temporal: env.client, secrets: [secret, previousSecret], policy });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await app?.close();
  await env?.close();
});

describe('POST /webhooks/erpnext/<doctype>/<event>', () => {
  it('answers 202 with the workflow id once the start is durable, tagged for the Web UI', async () => {
    const student = uniqueStudent();
    // Frappe sets no Content-Type.
    const response = await post('/webhooks/erpnext/student/after_insert', frappeDelivery('student/after_insert', { doctype: 'Student', name: student }));
    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({ workflowId: `onboard:${student}`, duplicate: false });

    const description = await env.client.workflow.getHandle(`onboard:${student}`).describe();
    expect(description.type).toBe('onboardStudent');
    expect(description.typedSearchAttributes.get(StudentId)).toBe(student);
    expect(description.typedSearchAttributes.get(SyncKind)).toBe('onboard');
    // Ahead of the admission's other runs on the queues (src/common/task-priorities.ts).
    expect(description.priority?.priorityKey).toBe(admissionPriority.priorityKey);
  });

  it('maps five identical deliveries onto one run', async () => {
    const student = uniqueStudent();
    const delivery = frappeDelivery('student/after_insert', { doctype: 'Student', name: student });
    const responses = await Promise.all(
      Array.from({ length: 5 }, () => post('/webhooks/erpnext/student/after_insert', { headers: { ...delivery.headers, 'content-type': 'application/json' }, body: delivery.body })),
    );
    expect(responses.map((r) => r.statusCode)).toEqual([202, 202, 202, 202, 202]);
    expect(new Set(responses.map((r) => r.json().workflowId))).toEqual(new Set([`onboard:${student}`]));
    const { runId } = await env.client.workflow.getHandle(`onboard:${student}`).describe();
    for (let attempt = 0; attempt < 50 && (await runsOf(`onboard:${student}`)) !== 1; attempt++) await new Promise((r) => setTimeout(r, 100));
    expect(await runsOf(`onboard:${student}`)).toBe(1);
    expect((await env.client.workflow.getHandle(`onboard:${student}`).describe()).runId).toBe(runId);
  });

  it('routes each trigger to its workflow and id', async () => {
    const student = uniqueStudent();
    const cases: { url: string; doc: Record<string, string>; id: string; type: string }[] = [
      { url: 'student/on_update', doc: { doctype: 'Student', name: student }, id: `profile:${student}`, type: 'syncProfile' },
      { url: 'program-enrollment/on_submit', doc: { doctype: 'Program Enrollment', name: `${student}-PE`, student, program: 'BA Business' }, id: `enroll:${student}-PE`, type: 'enrollProgram' },
      { url: 'program-enrollment/on_cancel', doc: { doctype: 'Program Enrollment', name: `${student}-PE`, student, program: 'BA Business' }, id: `withdraw:${student}-PE@${modified}`, type: 'withdrawProgram' },
      { url: 'course-enrollment/after_insert', doc: { doctype: 'Course Enrollment', name: `${student}-CE`, student, course: 'BUS101', program_enrollment: `${student}-PE` }, id: `course-enrollment:${student}-CE:after_insert`, type: 'enrollCourse' },
      { url: 'course-enrollment/on_trash', doc: { doctype: 'Course Enrollment', name: `${student}-CE`, student, course: 'BUS101', program_enrollment: `${student}-PE` }, id: `course-enrollment:${student}-CE:on_trash`, type: 'withdrawCourse' },
    ];
    for (const c of cases) {
      const response = await post(`/webhooks/erpnext/${c.url}`, frappeDelivery(c.url, c.doc));
      expect({ url: c.url, status: response.statusCode, body: response.json() }).toEqual({ url: c.url, status: 202, body: { workflowId: c.id, duplicate: false } });
      const described = await env.client.workflow.getHandle(c.id).describe();
      expect(described.type).toBe(c.type);
      // Only onboarding goes ahead; the rest take the server's default.
      expect(described.priority?.priorityKey).not.toBe(admissionPriority.priorityKey);
    }
  });

  it('answers 401 for a missing or forged signature and starts nothing', async () => {
    const student = uniqueStudent();
    const genuine = frappeDelivery('student/after_insert', { doctype: 'Student', name: student });
    const forged = frappeDelivery('student/after_insert', { doctype: 'Student', name: student }, 'guessed-secret');
    const unsigned = await post('/webhooks/erpnext/student/after_insert', { body: genuine.body });
    const wrong = await post('/webhooks/erpnext/student/after_insert', forged);
    const tampered = await post('/webhooks/erpnext/student/after_insert', { headers: genuine.headers, body: genuine.body.replace(student, `${student}X`) });
    expect([unsigned.statusCode, wrong.statusCode, tampered.statusCode]).toEqual([401, 401, 401]);
    expect(await exists(`onboard:${student}`)).toBe(false);
    expect(await exists(`onboard:${student}X`)).toBe(false);
  });

  it('answers 400 naming the bad field for a malformed body and starts nothing', async () => {
    const student = uniqueStudent();
    const notJson = await post('/webhooks/erpnext/student/after_insert', { headers: { 'x-frappe-webhook-signature': frappeSignature('{"name": ', secret) }, body: '{"name": ' });
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json().error).toBe('body is not JSON');

    const missingStudent = await post('/webhooks/erpnext/program-enrollment/on_submit', frappeDelivery('program-enrollment/on_submit', { doctype: 'Program Enrollment', name: `${student}-PE`, program: 'BA Business' }));
    expect(missingStudent.statusCode).toBe(400);
    expect(missingStudent.json().error).toMatch(/^invalid Program Enrollment webhook body: student: /);

    const wrongDoctype = await post('/webhooks/erpnext/student/after_insert', frappeDelivery('student/after_insert', { doctype: 'Program Enrollment', name: student }));
    expect(wrongDoctype.statusCode).toBe(400);
    expect(wrongDoctype.json().error).toMatch(/doctype/);

    const blankName = await post('/webhooks/erpnext/student/after_insert', frappeDelivery('student/after_insert', { doctype: 'Student', name: '  ' }));
    expect(blankName.statusCode).toBe(400);
    expect(blankName.json().error).toMatch(/name: expected the document name/);

    expect(await exists(`enroll:${student}-PE`)).toBe(false);
    expect(await exists(`onboard:${student}`)).toBe(false);
  });

  it('answers 404 for a DocType or event it does not handle', async () => {
    const unknownDoctype = await post('/webhooks/erpnext/sales-invoice/on_submit', frappeDelivery('sales-invoice/on_submit', { doctype: 'Sales Invoice', name: 'X' }));
    const unknownEvent = await post('/webhooks/erpnext/student/on_submit', frappeDelivery('student/on_submit', { doctype: 'Student', name: 'X' }));
    expect([unknownDoctype.statusCode, unknownEvent.statusCode]).toEqual([404, 404]);
  });
  it('answers 400 to a signed body posted to another event of its DocType, and to a body that names no event', async () => {
    const student = uniqueStudent();
    const doc = { doctype: 'Program Enrollment', name: `${student}-PE`, student, program: 'BA Business' };
    // The on_submit body Frappe sent (and keeps in its Webhook Request Log), replayed to on_cancel.
    const replayed = await post('/webhooks/erpnext/program-enrollment/on_cancel', frappeDelivery('program-enrollment/on_submit', doc));
    expect(replayed.statusCode).toBe(400);
    expect(replayed.json().error).toBe('the body is for Program Enrollment on_submit, not on_cancel');
    // A body from a Webhook written before setup bound bodies to events.
    const unbound = await post('/webhooks/erpnext/program-enrollment/on_cancel', signedBody(doc));
    expect(unbound.statusCode).toBe(400);
    expect(unbound.json().error).toMatch(/event: .*modified: /);
    expect(await exists(`withdraw:${student}-PE@${modified}`)).toBe(false);
  });

  it('gives each cancelled version its own withdrawal id, so an early cancel cannot take the real one', async () => {
    const student = uniqueStudent();
    const doc = { doctype: 'Program Enrollment', name: `${student}-PE`, student, program: 'BA Business' };
    const early = await post('/webhooks/erpnext/program-enrollment/on_cancel', signedBody({ event: 'on_cancel', ...doc, modified: '2026-12-01 08:50:00.000001' }));
    const real = await post('/webhooks/erpnext/program-enrollment/on_cancel', frappeDelivery('program-enrollment/on_cancel', doc));
    const again = await post('/webhooks/erpnext/program-enrollment/on_cancel', frappeDelivery('program-enrollment/on_cancel', doc));
    expect([early.json(), real.json(), again.json()]).toEqual([
      { workflowId: `withdraw:${student}-PE@2026-12-01 08:50:00.000001`, duplicate: false },
      { workflowId: `withdraw:${student}-PE@${modified}`, duplicate: false },
      // Still running (no workers here): the repeat joins it.
      { workflowId: `withdraw:${student}-PE@${modified}`, duplicate: false },
    ]);
    expect(await runsOf(`withdraw:${student}-PE@${modified}`)).toBe(1);
  });

  it('accepts the previous secret during a rotation, and no other', async () => {
    const [current, previous, retired] = [secret, previousSecret, 'test-webhook-secret-retired'].map((signWith) => ({ student: uniqueStudent(), signWith }));
    const answers = [];
    for (const { student, signWith } of [current, previous, retired]) {
      answers.push((await post('/webhooks/erpnext/student/after_insert', frappeDelivery('student/after_insert', { doctype: 'Student', name: student }, signWith))).statusCode);
    }
    expect(answers).toEqual([202, 202, 401]);
    expect([await exists(`onboard:${current.student}`), await exists(`onboard:${previous.student}`), await exists(`onboard:${retired.student}`)]).toEqual([true, true, false]);
  });

  it('answers 400, not 503, when Temporal refuses the start as invalid (an id too long for the server)', async () => {
    const name = `EDU-STU-${'9'.repeat(1100)}`;
    const response = await post('/webhooks/erpnext/student/after_insert', frappeDelivery('student/after_insert', { doctype: 'Student', name }));
    expect(response.statusCode).toBe(400);
  });
});

describe('POST /webhooks/erpnext/... with Temporal unreachable', () => {
  it('answers 503 with Retry-After within 3 s, inside Frappe\'s 5 s timeout', async () => {
    const closedPort = await freePort();
    const unreachable = new Client({ connection: Connection.lazy({ address: `127.0.0.1:${closedPort}` }) });
    const down = Fastify();
    await down.register(erpnextWebhookRoutes, { temporal: unreachable, secrets: [secret], policy });
    const downBase = await down.listen({ host: '127.0.0.1', port: 0 });
    try {
      const delivery = frappeDelivery('student/after_insert', { doctype: 'Student', name: uniqueStudent() });
      const started = Date.now();
      const response = await fetch(`${downBase}/webhooks/erpnext/student/after_insert`, { method: 'POST', headers: delivery.headers, body: Buffer.from(delivery.body) });
      const elapsed = Date.now() - started;
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(elapsed).toBeLessThan(3_000);
    } finally {
      await down.close(); // waits for the abandoned start, so closing the connection next is clean
      await unreachable.connection.close();
    }
  }, 30_000);
});
