import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { ApplicationFailure, type Payload } from '@temporalio/common';
import { createLogger } from '../../src/logging/logger';
import { AesGcmPayloadCodec } from '../../src/temporal/codec';
import { adminToken, eventually, startLifecycleStack, webhookSecret, type LifecycleStack } from '../lifecycle/lifecycle-stack';
import { submitProgramEnrollment } from '../support/program-enrollment';

/*
 * Leak tests (issue 14, item 7): one end-to-end run with PAYLOAD_ENCRYPTION_KEYS set — onboarding
 * through ERPNext's own signed webhooks, a program enrollment, profile edits, and one activity
 * failure whose message names the student — then (a) every workflow history of the namespace,
 * read from the server with a client that has no codec, holds none of the student's email, names
 * or phone in clear, and (b) no log line of the gateway or the workers carries a credential.
 * A second, smaller run with encryption off finds the email with the same check: the test bites.
 */

const moodleToken = 'dev-moodle-token';
const erpnextApiKey = 'dev-key';
const erpnextApiSecret = 'dev-secret';

/** Every log line the gateway and the runtime (workers, activities, SDK) write, through the production logger and its redaction. */
const logLines: string[] = [];
const logger = createLogger({ level: 'debug', destination: { write: (line: string) => void logLines.push(line) } });

interface Person {
  first_name: string;
  last_name: string;
  student_email_id: string;
  student_mobile_number: string;
}

const personal = (person: Person) => [person.student_email_id, person.first_name, person.last_name, person.student_mobile_number];

/**
 * Every string and byte field of a history as text, walked field by field: JSON.stringify would go
 * through protobuf's toJSON, which turns payload bytes into base64 and so hides plaintext from a search.
 */
function serialize(value: unknown, parts: string[] = []): string {
  if (typeof value === 'string') parts.push(value);
  else if (value instanceof Uint8Array) parts.push(Buffer.from(value).toString('utf8'));
  else if (value !== null && typeof value === 'object') for (const field of Object.values(value)) serialize(field, parts);
  return parts.join('\n');
}

/** Every Payload object in a history: inputs, results, signals, failures' encoded attributes, memo, headers. */
function payloadsIn(value: unknown, found: Payload[] = []): Payload[] {
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return found;
  const candidate = value as { metadata?: unknown; data?: unknown };
  if (candidate.data instanceof Uint8Array && candidate.metadata && typeof candidate.metadata === 'object') found.push(candidate as Payload);
  for (const child of Object.values(value)) payloadsIn(child, found);
  return found;
}

/**
 * Every execution (each run) in the namespace with its full history, as the server stores them;
 * `raw` has no data converter. Visibility lags a little, so it waits until `expected` are listed.
 */
async function allHistories(raw: Client, expected: string[]): Promise<{ workflowId: string; history: unknown }[]> {
  const listed = async () => {
    const executions: { workflowId: string; runId: string }[] = [];
    for await (const execution of raw.workflow.list()) executions.push(execution);
    return executions;
  };
  const executions = await eventually(listed, (all) => expected.every((id) => all.some((e) => e.workflowId === id)));
  const histories: { workflowId: string; history: unknown }[] = [];
  for (const execution of executions) {
    const history = await raw.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory();
    histories.push({ workflowId: execution.workflowId, history });
  }
  return histories;
}

/** The personal values found in clear in any history (ignoring case), each with the workflow it was in. */
async function plaintextIn(raw: Client, person: Person, expected: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const { workflowId, history } of await allHistories(raw, expected)) {
    const text = serialize(history).toLowerCase();
    for (const value of personal(person)) if (text.includes(value.toLowerCase())) found.push(`${value} in ${workflowId}`);
  }
  return found;
}

async function onboarded(stack: LifecycleStack, person: Person): Promise<string> {
  const { name } = await stack.erp.insert('Student', { ...person, city: 'Leeds' });
  await eventually(
    async () => (await stack.moodle.getUsersByField('idnumber', [name])).length,
    (n) => n === 1,
  );
  await resultOf(stack, `onboard:${name}`);
  return name;
}

/** The workflow's result once the webhook has started it. */
async function resultOf(stack: LifecycleStack, workflowId: string): Promise<unknown> {
  const handle = stack.temporal.workflow.getHandle(workflowId);
  await eventually(() => handle.describe().then(() => true, () => false), (started) => started);
  return handle.result();
}

describe('with encryption on', () => {
  const payloadKey = randomBytes(32).toString('base64');
  const student: Person = {
    first_name: 'Ottoline',
    last_name: 'Featherstonehaugh',
    student_email_id: 'ottoline.featherstonehaugh@students.cbu.example',
    student_mobile_number: '+44 7700 900431',
  };
  let stack: LifecycleStack;

  beforeAll(async () => {
    stack = await startLifecycleStack({
      payloadEncryptionKeys: payloadKey,
      logger,
      // The forced failure: Moodle refusing the Bath edit with a message that quotes the student, as a real error text may.
      activities: (real) => ({
        ...real,
        moodle: {
          ...real.moodle,
          async moodleSyncProfile(input) {
            if (input.desired.city === 'Bath') {
              const { firstname, lastname, email, phone1 } = input.desired;
              throw ApplicationFailure.nonRetryable(`Moodle refused the profile of ${firstname} ${lastname} <${email}>, phone ${phone1}`, 'InjectedProfileFailure');
            }
            return real.moodle.moodleSyncProfile(input);
          },
        },
      }),
    });
  }, 120_000);
  afterAll(async () => stack?.close());

  let name: string;
  let programEnrollment: string;

  it('runs onboarding, a program enrollment, a failing and a passing profile edit, admin and codec calls', async () => {
    name = await onboarded(stack, student);
    const [user] = await stack.moodle.getUsersByField('idnumber', [name]);

    const pe = await submitProgramEnrollment(stack.erp, name, 'BSc Nursing');
    programEnrollment = pe.name;
    expect(await resultOf(stack, `enroll:${pe.name}`)).toMatchObject({ outcome: 'enrolled' });

    const profile = stack.temporal.workflow.getHandle(`profile:${name}`);
    await stack.erp.update('Student', name, { city: 'Bath' });
    const failed = await eventually(() => profile.query<{ outcome: string; error?: string } | null>('lastSync'), (last) => last?.outcome === 'failed');
    expect(failed?.error).toContain(student.last_name);
    await stack.erp.update('Student', name, { city: 'Bristol' });
    await eventually(
      async () => (await stack.moodle.getUsersByField('id', [user.id]))[0]?.city,
      (city) => city === 'Bristol',
    );

    // Operator traffic with its credentials, for the logs.
    const status = await fetch(`${stack.operatorUrl}/admin/workflows/${encodeURIComponent(`onboard:${name}`)}`, { headers: { authorization: `Bearer ${adminToken}` } });
    expect(status.status).toBe(200);
    const decoded = await fetch(`${stack.operatorUrl}/codec/decode`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ payloads: [] }),
    });
    expect(decoded.status).toBe(200);
  }, 120_000);

  it('(a) no history read without the codec holds the student email, names or phone in clear', async () => {
    const expected = [`onboard:${name}`, `profile:${name}`, `enroll:${programEnrollment}`];
    const histories = await allHistories(stack.env.client, expected);
    expect(histories.length).toBeGreaterThanOrEqual(expected.length);
    expect(await plaintextIn(stack.env.client, student, expected)).toEqual([]);

    // The failure is in history, sealed: the codec opens it and finds the student named there.
    const profileHistory = histories.find((h) => h.workflowId === `profile:${name}`)!.history as { events: { activityTaskFailedEventAttributes?: { failure?: { message?: string } } }[] };
    const failedEvents = profileHistory.events.filter((e) => e.activityTaskFailedEventAttributes);
    expect(failedEvents.map((e) => e.activityTaskFailedEventAttributes?.failure?.message)).toEqual(['Encoded failure']);
    const sealed = payloadsIn(failedEvents);
    const opened = await new AesGcmPayloadCodec([Buffer.from(payloadKey, 'base64')]).decode(sealed);
    expect(opened.map((p) => Buffer.from(p.data!).toString('utf8')).join('')).toContain(`${student.first_name} ${student.last_name}`);
  }, 60_000);

  it('(b) no log line of the gateway or the workers carries a token, secret, key or signature', async () => {
    const signatures = (await stack.erp.getList('Webhook Request Log', { fields: ['headers'], limitPageLength: 0 }))
      .map((log) => JSON.parse(String(log.headers ?? '{}')) as Record<string, string>)
      .map((headers) => headers['X-Frappe-Webhook-Signature'])
      .filter((signature): signature is string => Boolean(signature));
    expect(signatures.length).toBeGreaterThan(2);

    // The run was logged: webhook requests with their (blanked) signature header, admin requests, worker lines.
    const all = logLines.join('');
    expect(all).toContain('/webhooks/erpnext/');
    expect(all).toContain('"x-frappe-webhook-signature":"[redacted]"');
    expect(all).toContain('"authorization":"[redacted]"');
    expect(all).toContain('"component":"temporal"');

    const secrets = { adminToken, webhookSecret, moodleToken, erpnextApiKey, erpnextApiSecret, payloadKey, ...Object.fromEntries(signatures.map((s, i) => [`signature ${i}`, s])) };
    const leaks = logLines.flatMap((line) => Object.entries(secrets).filter(([, secret]) => line.includes(secret)).map(([what]) => `${what}: ${line.slice(0, 200)}`));
    expect(leaks).toEqual([]);
  }, 60_000);
});

describe('with encryption off (the check bites)', () => {
  const student: Person = {
    first_name: 'Perpetua',
    last_name: 'Wolstenholme',
    student_email_id: 'perpetua.wolstenholme@students.cbu.example',
    student_mobile_number: '+44 7700 900432',
  };
  let stack: LifecycleStack;
  beforeAll(async () => {
    stack = await startLifecycleStack({ logger });
  }, 120_000);
  afterAll(async () => stack?.close());

  it('the same history check finds the email in clear', async () => {
    const name = await onboarded(stack, student);
    const found = await plaintextIn(stack.env.client, student, [`onboard:${name}`]);
    // Onboarding's read of the Student carries its email, names and mobile.
    expect(found).toEqual(expect.arrayContaining(personal(student).map((value) => `${value} in onboard:${name}`)));
  }, 120_000);
});
