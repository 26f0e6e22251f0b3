import Fastify, { type FastifyInstance } from 'fastify';
import { AcceptedDeliveries } from '../../src/gateway/accepted-deliveries';
import { erpnextWebhookRoutes } from '../../src/gateway/routes/webhooks-erpnext';
import { mappingSchema } from '../../src/config/mapping-file';
import { lifecyclePolicy } from '../../src/mapping/lifecycle-policy';
import { frappeSignature } from '../../src/webhooks/erpnext-contract';
import { connectTestEnv, type TemporalTestEnv } from '../support/temporal';

// No workers: what is counted is what the gateway asks Temporal, not the work.
const secret = 'test-webhook-secret';
const policy = lifecyclePolicy(mappingSchema.parse({}));
let env: TemporalTestEnv;
const apps: FastifyInstance[] = [];
let serial = 0;

const uniqueStudent = () => `EDU-STU-2026-8${String(++serial).padStart(4, '0')}-${process.pid}`;

/** A Frappe delivery of `doc` for `route`'s event: json.dumps separators, signed as Frappe signs. */
function delivery(route: string, doc: Record<string, string>) {
  const bound = { event: route.split('/')[1], ...doc, modified: '2026-12-01 08:55:13.393763' };
  const body = `{${Object.entries(bound).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(', ')}}`;
  return { route, body, signature: frappeSignature(body, secret) };
}

async function gateway(acceptedDeliveries?: { capacity: number; ttlMs: number }): Promise<string> {
  const app = Fastify();
  await app.register(erpnextWebhookRoutes, { temporal: env.client, secrets: [secret], policy, acceptedDeliveries });
  apps.push(app);
  return app.listen({ host: '127.0.0.1', port: 0 });
}

async function send(base: string, { route, body, signature }: ReturnType<typeof delivery>) {
  const response = await fetch(`${base}/webhooks/erpnext/${route}`, { method: 'POST', headers: { 'x-frappe-webhook-signature': signature }, body: Buffer.from(body) });
  return { status: response.status, body: await response.json() };
}

/** How many times the gateway asked Temporal to start or signal-with-start, during `during`. */
async function temporalCalls(during: () => Promise<void>): Promise<{ starts: number; signalWithStarts: number }> {
  const start = jest.spyOn(env.client.workflow, 'start');
  const signalWithStart = jest.spyOn(env.client.workflow, 'signalWithStart');
  try {
    await during();
    return { starts: start.mock.calls.length, signalWithStarts: signalWithStart.mock.calls.length };
  } finally {
    start.mockRestore();
    signalWithStart.mockRestore();
  }
}

beforeAll(async () => {
  env = await connectTestEnv();
});

afterAll(async () => {
  for (const app of apps) await app.close();
  await env?.close();
});

describe('repeated webhook deliveries', () => {
  it('answers a repeat of a delivery this gateway saw Temporal take without asking Temporal again', async () => {
    const base = await gateway();
    const student = uniqueStudent();
    const admitted = delivery('student/after_insert', { doctype: 'Student', name: student });
    const answers: unknown[] = [];
    const calls = await temporalCalls(async () => {
      for (let i = 0; i < 4; i++) answers.push(await send(base, admitted));
    });
    expect(calls.starts).toBe(1);
    expect(answers).toEqual(Array(4).fill({ status: 202, body: { workflowId: `onboard:${student}`, duplicate: false } }));
    expect((await env.client.workflow.getHandle(`onboard:${student}`).describe()).status.name).toBe('RUNNING');
  });

  it('still asks Temporal from a fresh gateway, for another event of the same document, and for every profile save', async () => {
    const first = await gateway();
    const fresh = await gateway();
    const student = uniqueStudent();
    const admitted = delivery('student/after_insert', { doctype: 'Student', name: student });
    const saved = delivery('student/on_update', { doctype: 'Student', name: student });
    const answers: unknown[] = [];
    const calls = await temporalCalls(async () => {
      answers.push(await send(first, admitted));
      // The restarted (or other replica's) gateway remembers nothing: Temporal answers.
      answers.push(await send(fresh, admitted));
      answers.push(await send(first, saved));
      answers.push(await send(first, saved));
    });
    expect(calls).toEqual({ starts: 2, signalWithStarts: 2 });
    expect(answers).toEqual([
      { status: 202, body: { workflowId: `onboard:${student}`, duplicate: false } },
      // Still running (no workers here): Temporal joins the repeat to it.
      { status: 202, body: { workflowId: `onboard:${student}`, duplicate: false } },
      { status: 202, body: { workflowId: `profile:${student}`, duplicate: false } },
      { status: 202, body: { workflowId: `profile:${student}`, duplicate: false } },
    ]);
  });

  it('asks Temporal again once the remembered answer has expired or been pushed out', async () => {
    const base = await gateway({ capacity: 1, ttlMs: 200 });
    const [one, two] = [uniqueStudent(), uniqueStudent()].map((student) => delivery('student/after_insert', { doctype: 'Student', name: student }));
    const calls = await temporalCalls(async () => {
      await send(base, one!);
      await send(base, one!); // remembered
      await new Promise((r) => setTimeout(r, 250));
      await send(base, one!); // expired: asked
      await send(base, two!); // pushes one out
      await send(base, one!); // asked
    });
    expect(calls.starts).toBe(4);
  });

  it('answers a forged repeat 401, remembered or not', async () => {
    const base = await gateway();
    const admitted = delivery('student/after_insert', { doctype: 'Student', name: uniqueStudent() });
    await send(base, admitted);
    const forged = { ...admitted, body: admitted.body.replace('Student', 'Studen') };
    expect((await send(base, forged)).status).toBe(401);
    expect((await send(base, { ...admitted, route: 'student/on_update' })).status).toBe(400);
  });
});

describe('AcceptedDeliveries', () => {
  it('keeps at most its capacity, oldest out first, each answer for its time to live', () => {
    let now = 0;
    const remembered = new AcceptedDeliveries<string>(2, 1000, () => now);
    remembered.remember('a', 'A');
    remembered.remember('b', 'B');
    remembered.remember('c', 'C');
    expect([remembered.answerFor('a'), remembered.answerFor('b'), remembered.answerFor('c'), remembered.size]).toEqual([undefined, 'B', 'C', 2]);
    now = 1000;
    expect(remembered.answerFor('b')).toBeUndefined();
    expect(remembered.size).toBe(1);
  });
});
