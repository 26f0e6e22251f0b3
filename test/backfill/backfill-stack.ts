import type { WorkflowHandle } from '@temporalio/client';
import { createActivities } from '../../activities';
import { mappingSchema, type Mapping } from '../../src/config/mapping-file';
import { createErpnextClient, type ErpnextClient } from '../../src/erpnext/client';
import { createCustomFields } from '../../src/erpnext/resources/custom-fields';
import { moodleUserIdField } from '../../src/erpnext/resources/students';
import { createMoodleClient, type MoodleClient } from '../../src/moodle/client';
import { taskQueues } from '../../src/common/task-queues';
import { startErpnextSandbox, type ErpnextSandbox } from '../../sandboxes/erpnext';
import { startMoodleSandbox, type MoodleSandbox } from '../../sandboxes/moodle';
import type { TaskQueueWorkers } from '../../src/temporal/task-queue-workers';
import type { backfill, BackfillInput } from '../../workflows/backfill';
import { bundleWorkflows, connectTestEnv, createTestWorkers, type TemporalTestEnv } from '../support/temporal';
import { submitProgramEnrollment } from '../support/program-enrollment';

/**
 * Both demo sandboxes (50 Students with the awkward identity cases) plus `extra` new Students with
 * submitted Program Enrollments, the three workers with the real activities, on the dev server.
 */
export interface BackfillStack {
  env: TemporalTestEnv;
  moodleSandbox: MoodleSandbox;
  erpnextSandbox: ErpnextSandbox;
  moodle: MoodleClient;
  erp: ErpnextClient;
  mapping: Mapping;
  /** Names of the Students added on top of the demo ones. */
  added: string[];
  startWorkers(): Promise<void>;
  stopWorkers(): Promise<void>;
  start(input: Partial<BackfillInput>, id?: string): Promise<WorkflowHandle<typeof backfill>>;
  close(): Promise<void>;
}

export async function startBackfillStack(options: { extra?: number } = {}): Promise<BackfillStack> {
  const env = await connectTestEnv();
  const moodleSandbox = await startMoodleSandbox({ seed: 'demo' });
  const erpnextSandbox = await startErpnextSandbox({ seed: 'demo' });
  const moodle = createMoodleClient({ url: moodleSandbox.url, token: 'dev-moodle-token' });
  const erp = createErpnextClient({ url: erpnextSandbox.url, apiKey: 'dev-key', apiSecret: 'dev-secret' });
  const mapping = mappingSchema.parse({});
  // What `campus-bridge setup` adds (its webhooks are left out: the backfill needs none).
  await createCustomFields(erp).insert({ ...moodleUserIdField });
  const added = await addStudents(erp, options.extra ?? 10);
  const bundle = await bundleWorkflows();
  let workers: TaskQueueWorkers | null = null;
  let running: Promise<void> | null = null;
  let runs = 0;

  const stack: BackfillStack = {
    env,
    moodleSandbox,
    erpnextSandbox,
    moodle,
    erp,
    mapping,
    added,
    async startWorkers() {
      workers = await createTestWorkers(env, { workflowBundle: bundle, ...createActivities({ moodle, erpnext: erp, mapping }) });
      running = workers.run();
    },
    async stopWorkers() {
      workers?.shutdown();
      await running;
      workers = null;
    },
    start(input, id = `backfill:test-${++runs}`) {
      return env.client.workflow.start<typeof backfill>('backfill', {
        workflowId: id,
        taskQueue: taskQueues.workflows,
        args: [{ dryRun: false, limits: null, roleId: mapping.moodle.studentRoleId, auth: mapping.moodle.auth, batchSize: 20, parallelism: 2, ...input }],
      });
    },
    async close() {
      await stack.stopWorkers();
      await erpnextSandbox.close();
      await moodleSandbox.close();
      await env.close();
    },
  };
  await stack.startWorkers();
  return stack;
}

/** New admits, each with a submitted Program Enrollment in one of the demo programs. */
async function addStudents(erp: ErpnextClient, count: number): Promise<string[]> {
  const programs = ['BSc Computer Science', 'BA Business', 'BSc Nursing'];
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const student = await erp.insert('Student', { first_name: `Extra${i}`, last_name: 'Admit', student_email_id: `extra${i}.admit@students.cbu.example` });
    names.push(student.name);
    await submitProgramEnrollment(erp, student.name, programs[i % programs.length]);
  }
  return names;
}

/** Calls per Moodle wsfunction the sandbox handled. */
export async function moodleRequests(sandbox: MoodleSandbox): Promise<Record<string, number>> {
  return (await (await fetch(`${sandbox.url}/__sandbox/requests`)).json()) as Record<string, number>;
}

export async function resetRequests(...urls: string[]): Promise<void> {
  for (const url of urls) await fetch(`${url}/__sandbox/requests`, { method: 'DELETE' });
}

/** How many runs a backfill took: its latest run, followed back through each run's continue-as-new. */
export async function backfillRuns(handle: WorkflowHandle<typeof backfill>, client: TemporalTestEnv['client']): Promise<number> {
  let runs = 0;
  for (let runId: string | undefined = (await handle.describe()).runId; runId; runs++) {
    const { events } = await client.workflow.getHandle(handle.workflowId, runId).fetchHistory();
    runId = events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId || undefined;
  }
  return runs;
}
