import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bundleWorkflows } from '../../scripts/bundle-workflows';
import { mappingSchema } from '../../src/config/mapping-file';
import { createErpnextClient } from '../../src/erpnext/client';
import { lifecyclePolicy } from '../../src/mapping/lifecycle-policy';
import { createMoodleClient } from '../../src/moodle/client';
import { startLifecycleWorkflow } from '../../src/starters/lifecycle-events';
import { createWorkers, workflowBundleFiles, workflowCode } from '../../src/temporal/worker';
import { dataConverterFor } from '../../src/temporal/codec';
import { startErpnextSandbox, type ErpnextSandbox } from '../../sandboxes/erpnext';
import { startMoodleSandbox, type MoodleSandbox } from '../../sandboxes/moodle';
import { connectTestEnv, type TemporalTestEnv } from '../support/temporal';

/**
 * The production worker's path: `npm run bundle` at image build, then the worker on that bundle
 * (WORKFLOW_BUNDLE_DIR) with the real activities, running an onboarding on the dev server against
 * both sandboxes, without bundling anything itself.
 */
let env: TemporalTestEnv;
let bundleDir: string;
let moodleSandbox: MoodleSandbox;
let erpnextSandbox: ErpnextSandbox;

beforeAll(async () => {
  env = await connectTestEnv();
  bundleDir = await mkdtemp(path.join(tmpdir(), 'campus-bridge-bundle-'));
  moodleSandbox = await startMoodleSandbox({ seed: 'demo' });
  erpnextSandbox = await startErpnextSandbox({ seed: 'demo' });
}, 120_000);
afterAll(async () => {
  await erpnextSandbox?.close();
  await moodleSandbox?.close();
  await env?.close();
  if (bundleDir) await rm(bundleDir, { recursive: true, force: true });
});

test('npm run bundle writes both bundles, and a worker started from the plain one runs an onboarding', async () => {
  const written = await bundleWorkflows(bundleDir);
  expect(written.map((file) => path.basename(file)).sort()).toEqual([workflowBundleFiles.plain, workflowBundleFiles.sealedFailures].sort());
  expect(written.every(existsSync)).toBe(true);

  const moodle = createMoodleClient({ url: moodleSandbox.url, token: 'dev-moodle-token' });
  const erpnext = createErpnextClient({ url: erpnextSandbox.url, apiKey: 'dev-key', apiSecret: 'dev-secret' });
  const mapping = mappingSchema.parse({});
  const student = (await erpnext.insert('Student', { first_name: 'Katherine', last_name: 'Johnson', student_email_id: 'katherine.johnson@students.cbu.example' })).name;

  const workers = await createWorkers({ connection: env.connection, namespace: env.namespace, moodle, erpnext, mapping, rates: { moodle: 50, erpnext: 50 }, shutdownGraceTime: '1s', workflowBundleDir: bundleDir });
  const result = await workers.runUntil(
    (async () => {
      const started = await startLifecycleWorkflow(env.client, { kind: 'student-created', student }, lifecyclePolicy(mapping));
      return env.client.workflow.getHandle(started.workflowId).result();
    })(),
  );
  expect(result).toMatchObject({ outcome: 'created', studentId: student });
  expect(await moodle.getUsersByField('idnumber', [student])).toHaveLength(1);
});

test('the worker picks the sealed-failure bundle when payloads are encrypted, and names a missing bundle', () => {
  const sealed = dataConverterFor([Buffer.alloc(32, 7)]);
  expect(workflowCode(bundleDir, sealed)).toEqual({ workflowBundle: { codePath: path.join(bundleDir, workflowBundleFiles.sealedFailures) } });
  expect(workflowCode(bundleDir, undefined)).toEqual({ workflowBundle: { codePath: path.join(bundleDir, workflowBundleFiles.plain) } });
  expect(() => workflowCode(path.join(bundleDir, 'missing'), undefined)).toThrow(/WORKFLOW_BUNDLE_DIR: no workflow bundle at .*missing/);
  expect(workflowCode(undefined, undefined)).toEqual({ workflowsPath: require.resolve('../../workflows') });
});
