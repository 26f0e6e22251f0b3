import { randomBytes } from 'node:crypto';
import { Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { bundleWorkflowCode, DefaultLogger, type WorkflowBundle } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { mappingSchema } from '../../src/config/mapping-file';
import { createErpnextClient } from '../../src/erpnext/client';
import { lifecyclePolicy } from '../../src/mapping/lifecycle-policy';
import { createMoodleClient } from '../../src/moodle/client';
import { startLifecycleWorkflow } from '../../src/starters/lifecycle-events';
import { AesGcmPayloadCodec, dataConverterFor, keyIdOf } from '../../src/temporal/codec';
import { lastSyncQuery } from '../../workflows/sync-profile';
import { demoStudents } from '../../sandboxes/demo-data';
import { startErpnextSandbox, type ErpnextSandbox } from '../../sandboxes/erpnext';
import { startMoodleSandbox, type MoodleSandbox } from '../../sandboxes/moodle';
import { eventually } from '../lifecycle/lifecycle-stack';
import { connectTestEnv, createTestWorkers, type TemporalTestEnv } from '../support/temporal';

/*
 * Rotating the payload key while a long-running `profile:<Student>` workflow runs: the workers
 * and client restart with the ring [new, old], the workflow keeps syncing, its whole history
 * (payloads written under both keys) still decodes, and none of it holds the student's data in
 * clear on the server.
 */

let env: TemporalTestEnv;
let moodleSandbox: MoodleSandbox;
let erpnextSandbox: ErpnextSandbox;
let workflowBundle: WorkflowBundle;
beforeAll(async () => {
  env = await connectTestEnv();
  moodleSandbox = await startMoodleSandbox({ seed: 'demo' });
  erpnextSandbox = await startErpnextSandbox({ seed: 'demo' });
  // The sealed failure converter must be in the bundle too: workflow-side failures are converted there.
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../../workflows'),
    failureConverterPath: require.resolve('../../src/temporal/sealed-failures'),
    logger: new DefaultLogger('WARN'),
  });
  workflowBundle = { code };
}, 120_000);
afterAll(async () => {
  await erpnextSandbox?.close();
  await moodleSandbox?.close();
  await env?.close();
});

/**
 * Every Payload in a raw history, wherever it sits (inputs, results, signals, failures), except
 * search attributes: the server indexes those, so no codec may touch them (readable by design).
 */
function payloadsIn(value: unknown, found: Payload[] = []): Payload[] {
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return found;
  const candidate = value as { metadata?: unknown; data?: unknown };
  if (candidate.data instanceof Uint8Array && candidate.metadata && typeof candidate.metadata === 'object') found.push(candidate as Payload);
  for (const [name, child] of Object.entries(value)) if (name !== 'searchAttributes') payloadsIn(child, found);
  return found;
}

test('a running profile workflow survives a key rotation: it keeps syncing and its history still decodes', async () => {
  const mapping = mappingSchema.parse({});
  const moodle = createMoodleClient({ url: moodleSandbox.url, token: 'dev-moodle-token' });
  const erp = createErpnextClient({ url: erpnextSandbox.url, apiKey: 'dev-key', apiSecret: 'dev-secret' });
  const student = demoStudents.find((s) => s.hasRealEmail)!;
  const [oldKey, newKey] = [randomBytes(32), randomBytes(32)];

  const run = async (keys: Buffer[], body: (client: Client) => Promise<void>) => {
    const dataConverter = dataConverterFor(keys);
    const client = new Client({ connection: env.client.connection, namespace: env.namespace, dataConverter });
    const workers = await createTestWorkers(env, { workflowBundle, ...createActivities({ moodle, erpnext: erp, mapping }), dataConverter });
    await workers.runUntil(body(client));
  };
  const syncedSince = async (client: Client, after: string) => {
    const handle = client.workflow.getHandle(`profile:${student.name}`);
    return eventually(() => handle.query(lastSyncQuery), (last) => last !== null && last.at > after, 30_000);
  };

  const start = new Date().toISOString();
  await run([oldKey], async (client) => {
    await startLifecycleWorkflow(client, { kind: 'student-updated', student: student.name }, lifecyclePolicy(mapping));
    expect(await syncedSince(client, start)).not.toBeNull();
  });

  const rotated = new Date().toISOString();
  await run([newKey, oldKey], async (client) => {
    await erp.update('Student', student.name, { city: 'Bath' });
    const started = await startLifecycleWorkflow(client, { kind: 'student-updated', student: student.name }, lifecyclePolicy(mapping));
    expect(started.workflowId).toBe(`profile:${student.name}`);
    const last = await syncedSince(client, rotated);
    expect((last?.at ?? '') > rotated).toBe(true);
    expect(last?.outcome).not.toBe('failed');
  });

  // Straight from the server, without the codec: every payload sealed, under both keys by now.
  const history = await env.client.workflow.getHandle(`profile:${student.name}`).fetchHistory();
  // A patch marker's payload is written by Temporal's core, not through the data converter: it
  // holds only the patch's name (e.g. "profile-leaves-onboarding-account"), so it is left out.
  const payloads = payloadsIn((history.events ?? []).filter((e) => e.markerRecordedEventAttributes?.markerName !== 'core_patch'));
  expect(payloads.length).toBeGreaterThan(4);
  const keyIds = new Set(payloads.map((p) => new TextDecoder().decode(p.metadata?.['encryption-key-id'])));
  expect(keyIds).toEqual(new Set([keyIdOf(oldKey), keyIdOf(newKey)]));
  const raw = JSON.stringify(history) + payloads.map((p) => Buffer.from(p.data!).toString('latin1')).join('');
  for (const personal of [student.email, student.firstName, student.lastName, student.mobile]) expect(raw).not.toContain(personal);

  // The rotated ring reads it all; the new key alone cannot read what the old one wrote.
  const decoded = await new AesGcmPayloadCodec([newKey, oldKey]).decode(payloads);
  expect(decoded.map((p) => new TextDecoder().decode(p.data)).join('')).toContain(student.email);
  await expect(new AesGcmPayloadCodec([newKey]).decode(payloads)).rejects.toThrow(`encrypted with key ${keyIdOf(oldKey)}`);
}, 120_000);
