import { setTimeout as sleep } from 'node:timers/promises';
import { mappingSchema } from '../../src/config/mapping-file';
import { startGradeSync } from '../../src/starters/sync-requests';
import { startLifecycleStack, type LifecycleStack } from '../lifecycle/lifecycle-stack';
import { setWebhooksEnabled } from '../durability/feed-support';
import { printChaosTable, scaled, type ChaosRow } from './chaos-table';
import { admitCohort, describeState, expectedState, untilExact } from './chaos-state';
import { resultCounts, seedGradeWorld, type GradeWorld } from './grade-world';
import { prepareWorkerProcess, type WorkerProcess } from './worker-process';

/**
 * The only worker is a child process running `campus-bridge worker`, SIGKILLed at random moments
 * and started again each time, while Students are admitted (some enrolled in a program) and a
 * grade sync runs. In the end: one Moodle account per Student, linked in ERPNext, every enrolment,
 * and every Assessment Result written exactly once (counted in the ERPNext sandbox's own state).
 */
let stack: LifecycleStack;
let worker: WorkerProcess;
let world: GradeWorld;
const rows: ChaosRow[] = [];

const size = { admitted: scaled(10, 300), enrolled: scaled(4, 100), kills: scaled(4, 20), courses: scaled(2, 10), studentsPerCourse: scaled(100, 500) };
// The killer's moments: a seeded generator, so a failing run can be repeated (CHAOS_SEED).
const seed = Number(process.env.CHAOS_SEED ?? Date.now() % 1_000_000);

function mulberry32(state: number): () => number {
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// The production worker refuses the development credentials.
const credentials = { moodleToken: 'chaos-moodle-token', erpnextApiKey: 'chaos-key', erpnextApiSecret: 'chaos-secret' };

beforeAll(async () => {
  stack = await startLifecycleStack({ inProcessWorkers: false, credentials });
  worker = await prepareWorkerProcess({ temporalAddress: String(process.env.TEMPORAL_ADDRESS), namespace: stack.env.namespace, moodleUrl: stack.moodleSandbox.url, erpnextUrl: stack.erpnextSandbox.url, credentials });
  // The graded students are not admissions: seeded with the Webhooks off, their Moodle accounts made directly.
  await setWebhooksEnabled(stack.erp, false);
  world = await seedGradeWorld(stack.erp, stack.moodle, stack.moodleSandbox.url, credentials.moodleToken, { courses: size.courses, studentsPerCourse: size.studentsPerCourse, tag: 'Killgrade' });
  await setWebhooksEnabled(stack.erp, true);
  await worker.start();
}, 300_000);
afterAll(async () => {
  printChaosTable(rows);
  await worker?.close();
  await stack?.close();
});

it('loses and duplicates nothing when the worker process is SIGKILLed again and again', async () => {
  const random = mulberry32(seed);
  // Gaps between kills: 1-4 s reduced, 2-8 s at full size, counted from the moment the new worker polls.
  const gapMs = () => scaled(1_000, 2_000) + random() * scaled(3_000, 6_000);
  const admitPaceMs = scaled(1_000, 500);
  let lastRestartAt = Date.now();
  const killer = (async () => {
    let kills = 0;
    for (; kills < size.kills; kills++) {
      await sleep(gapMs());
      await worker.kill();
      await worker.start();
      lastRestartAt = Date.now();
    }
    return kills;
  })();

  const sync = await startGradeSync(stack.temporal, mappingSchema.parse({}), {});
  const cohort = await admitCohort(stack.erp, { admitted: size.admitted, enrolled: size.enrolled, withdrawn: 0, tag: 'Killed', afterEach: () => sleep(admitPaceMs) });
  const kills = await killer;
  await stack.temporal.workflow.getHandle(sync.workflowId).result();

  const expected = await expectedState(stack.erp, stack.moodle, cohort);
  const { observed } = await untilExact(stack.erp, stack.moodle, cohort, expected, scaled(150_000, 600_000));
  // How long the runs took to catch up once the killing stopped (each kill strands the calls in flight until Temporal times them out).
  const recoveredInS = Math.round((Date.now() - lastRestartAt) / 1000);
  const results = resultCounts(stack.erpnextSandbox.state.site, world);

  rows.push({
    scenario: 'Worker process SIGKILLed',
    // The catch-up time goes with the faults: observed must read exactly as expected for the row to pass.
    faults: `${kills} SIGKILLs of the only worker (seed ${seed}), each restarted; ${size.admitted} admitted, ${size.enrolled} enrolled; grade sync of ${world.grades} grades; exact ${recoveredInS} s after the last restart`,
    expected: `${describeState(expected)}; ${world.grades} results once, 0 twice, 0 missing`,
    observed: `${describeState(observed, expected)}; ${results.once} results once, ${results.twiceOrMore} twice, ${results.missing} missing`,
  });
  expect(kills).toBe(size.kills);
  expect(observed).toEqual(expected);
  expect(results).toEqual({ once: world.grades, twiceOrMore: 0, missing: 0 });
}, 900_000);
