import { WorkflowNotFoundError } from '@temporalio/client';
import Fastify, { type FastifyInstance } from 'fastify';
import { frappeSignature } from '../../src/webhooks/erpnext-contract';
import { erpnextWebhookRoutes } from '../../src/gateway/routes/webhooks-erpnext';
import { lifecyclePolicy } from '../../src/mapping/lifecycle-policy';
import { mappingSchema } from '../../src/config/mapping-file';
import { StudentId, SyncKind } from '../../src/shared/search-attributes';
import { connectTestEnv, type TemporalTestEnv } from '../support/temporal';

// No workers here: these tests are about what the gateway starts (or refuses to start).
const secret = 'test-webhook-secret';
let env: TemporalTestEnv;
let app: FastifyInstance;
let base: string;
let serial = 0;

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
function frappeDelivery(doc: Record<string, string>, signWith = secret) {
  const body = `{${Object.entries(doc).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(', ')}}`;
  return { body, headers: { 'x-frappe-webhook-signature': frappeSignature(body, signWith) } };
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
  await app.register(erpnextWebhookRoutes, { temporal: env.client, secret, policy: lifecyclePolicy(mappingSchema.parse({})) });
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
    const response = await post('/webhooks/erpnext/student/after_insert', frappeDelivery({ doctype: 'Student', name: student }));
    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({ workflowId: `onboard:${student}`, duplicate: false });

    const description = await env.client.workflow.getHandle(`onboard:${student}`).describe();
    expect(description.type).toBe('onboardStudent');
    expect(description.typedSearchAttributes.get(StudentId)).toBe(student);
    expect(description.typedSearchAttributes.get(SyncKind)).toBe('onboard');
  });

  it('maps five identical deliveries onto one run', async () => {
    const student = uniqueStudent();
    const delivery = frappeDelivery({ doctype: 'Student', name: student });
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
      { url: 'program-enrollment/on_cancel', doc: { doctype: 'Program Enrollment', name: `${student}-PE`, student, program: 'BA Business' }, id: `withdraw:${student}-PE`, type: 'withdrawProgram' },
      { url: 'course-enrollment/after_insert', doc: { doctype: 'Course Enrollment', name: `${student}-CE`, student, course: 'BUS101', program_enrollment: `${student}-PE` }, id: `course-enrollment:${student}-CE:after_insert`, type: 'enrollCourse' },
      { url: 'course-enrollment/on_trash', doc: { doctype: 'Course Enrollment', name: `${student}-CE`, student, course: 'BUS101', program_enrollment: `${student}-PE` }, id: `course-enrollment:${student}-CE:on_trash`, type: 'withdrawCourse' },
    ];
    for (const c of cases) {
      const response = await post(`/webhooks/erpnext/${c.url}`, frappeDelivery(c.doc));
      expect({ url: c.url, status: response.statusCode, body: response.json() }).toEqual({ url: c.url, status: 202, body: { workflowId: c.id, duplicate: false } });
      expect((await env.client.workflow.getHandle(c.id).describe()).type).toBe(c.type);
    }
  });

  it('answers 401 for a missing or forged signature and starts nothing', async () => {
    const student = uniqueStudent();
    const genuine = frappeDelivery({ doctype: 'Student', name: student });
    const forged = frappeDelivery({ doctype: 'Student', name: student }, 'guessed-secret');
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

    const missingStudent = await post('/webhooks/erpnext/program-enrollment/on_submit', frappeDelivery({ doctype: 'Program Enrollment', name: `${student}-PE`, program: 'BA Business' }));
    expect(missingStudent.statusCode).toBe(400);
    expect(missingStudent.json().error).toMatch(/^invalid Program Enrollment webhook body: student: /);

    const wrongDoctype = await post('/webhooks/erpnext/student/after_insert', frappeDelivery({ doctype: 'Program Enrollment', name: student }));
    expect(wrongDoctype.statusCode).toBe(400);
    expect(wrongDoctype.json().error).toMatch(/doctype/);

    const blankName = await post('/webhooks/erpnext/student/after_insert', frappeDelivery({ doctype: 'Student', name: '  ' }));
    expect(blankName.statusCode).toBe(400);
    expect(blankName.json().error).toMatch(/name: expected the document name/);

    expect(await exists(`enroll:${student}-PE`)).toBe(false);
    expect(await exists(`onboard:${student}`)).toBe(false);
  });

  it('answers 404 for a DocType or event it does not handle', async () => {
    const unknownDoctype = await post('/webhooks/erpnext/sales-invoice/on_submit', frappeDelivery({ doctype: 'Sales Invoice', name: 'X' }));
    const unknownEvent = await post('/webhooks/erpnext/student/on_submit', frappeDelivery({ doctype: 'Student', name: 'X' }));
    expect([unknownDoctype.statusCode, unknownEvent.statusCode]).toEqual([404, 404]);
  });
});
