import os from 'node:os';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { IllegalStateError } from '@temporalio/common';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { mappingSchema } from '../src/config/mapping-file';
import { createErpnextClient, type ErpnextClient } from '../src/erpnext/client';
import { createCustomFields } from '../src/erpnext/resources/custom-fields';
import { moodleUserIdField } from '../src/erpnext/resources/students';
import { newMoodleUser, desiredMoodleUser } from '../src/mapping/moodle-user';
import { programCourseIdnumbers } from '../src/mapping/program-courses';
import { createMoodleClient, type MoodleClient } from '../src/moodle/client';
import { backfillLimits } from '../src/common/backfill-limits';
import { taskQueues } from '../src/common/task-queues';
import { demoAcademicTerm, demoAcademicYear, demoPrograms } from '../sandboxes/demo-data';
import { startErpnextSandbox } from '../sandboxes/erpnext';
import { startMoodleSandbox, type MoodleSandbox } from '../sandboxes/moodle';
import { startBenchTemporalServer } from './support/temporal-server';
import { backfillProgressQuery, type backfill } from '../workflows/backfill';
import type { BenchReport } from './run';
import { describeWorkerMemory, startWorkerProcess } from './support/worker-process';
import { erpnextRequestCost, moodleRequestCost, startCostModelProxy, type CostModel, type CostModelProxy } from './support/cost-model-proxy';
import { moodleDuplicates } from './support/moodle-duplicates';

/*
 * The go-live backfill against sandboxes that cost what the real systems cost (issue #12): the
 * naive loop of the integration guide on a slice, Campus Bridge's backfill of the full set, and
 * the floor of each system, the larger of requests ÷ allowed rate and server work ÷ workers.
 */
const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const students = env('BENCH_STUDENTS', 10_000);
const naiveStudents = Math.min(students, env('BENCH_NAIVE_STUDENTS', 500));
const moodleRps = env('BENCH_MOODLE_RPS', 50);
const erpnextRps = env('BENCH_ERPNEXT_RPS', 50);
/** The share of each system's allowed rate the worker's pacers send at. */
const pacedShare = 0.95;

/** Real Moodle 4.1 (issue #12): 25 ms per request; 55 ms per user created; 4 ms per enrolment in a batch; one look-up value about 30 ms in all. */
const moodleModel: CostModel = {
  overheadMs: env('BENCH_MOODLE_OVERHEAD_MS', 25),
  perItemMs: {
    core_user_create_users: env('BENCH_MOODLE_CREATE_MS', 55),
    enrol_manual_enrol_users: env('BENCH_MOODLE_ENROL_MS', 4),
    core_user_get_users_by_field: env('BENCH_MOODLE_LOOKUP_MS', 5),
    // Not measured: an update is a transaction per user, priced like a look-up.
    core_user_update_users: env('BENCH_MOODLE_UPDATE_MS', 5),
  },
  workers: env('BENCH_MOODLE_WORKERS', 4),
  rps: moodleRps,
};
/** Real Frappe 15.72 on 2 gunicorn workers: 200 documents by insert_many in 2.6 s (13 ms each); overhead not measured, taken as Moodle's. */
const erpnextModel: CostModel = {
  overheadMs: env('BENCH_ERPNEXT_OVERHEAD_MS', 25),
  perItemMs: {
    'frappe.client.insert_many': env('BENCH_ERPNEXT_DOC_MS', 13),
    'frappe.client.bulk_update': env('BENCH_ERPNEXT_DOC_MS', 13),
    'PUT Student': env('BENCH_ERPNEXT_DOC_MS', 13),
  },
  workers: env('BENCH_ERPNEXT_WORKERS', 2),
  rps: erpnextRps,
};

function installQuietRuntime(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch (err) {
    if (!(err instanceof IllegalStateError)) throw err;
  }
}

interface Site {
  moodleSandbox: MoodleSandbox;
  moodleProxy: CostModelProxy;
  erpnextProxy: CostModelProxy;
  moodle: MoodleClient;
  erp: ErpnextClient;
  names: string[];
  close(): Promise<void>;
}

/** Both demo sandboxes behind the cost model, plus `count` new admits with submitted Program Enrollments (inserted before the proxies count). */
async function startSite(count: number): Promise<Site> {
  const moodleSandbox = await startMoodleSandbox({ seed: 'demo' });
  const erpnextSandbox = await startErpnextSandbox({ seed: 'demo' });
  const direct = createErpnextClient({ url: erpnextSandbox.url, apiKey: 'dev-key', apiSecret: 'dev-secret' });
  await createCustomFields(direct).insert({ ...moodleUserIdField });
  const names: string[] = [];
  for (let start = 0; start < count; start += 200) {
    const docs = Array.from({ length: Math.min(200, count - start) }, (_, k) => {
      const i = start + k;
      return { doctype: 'Student', first_name: `Bench${i}`, last_name: 'Backfill', student_email_id: `bench.backfill.${i}@students.cbu.example`, city: 'Leeds' };
    });
    const inserted = await direct.insertMany(docs);
    names.push(...inserted);
    await direct.insertMany(
      inserted.map((student, k) => ({
        doctype: 'Program Enrollment',
        student,
        program: demoPrograms[(start + k) % demoPrograms.length]!.name,
        academic_year: demoAcademicYear.name,
        academic_term: demoAcademicTerm.name,
        enrollment_date: demoAcademicTerm.termStartDate,
        docstatus: 1,
      })),
    );
  }
  const moodleProxy = await startCostModelProxy(moodleSandbox.url, moodleModel, moodleRequestCost);
  const erpnextProxy = await startCostModelProxy(erpnextSandbox.url, erpnextModel, erpnextRequestCost);
  return {
    moodleSandbox,
    moodleProxy,
    erpnextProxy,
    moodle: createMoodleClient({ url: moodleProxy.url, token: 'dev-moodle-token' }),
    erp: createErpnextClient({ url: erpnextProxy.url, apiKey: 'dev-key', apiSecret: 'dev-secret' }),
    names,
    async close() {
      await moodleProxy.close();
      await erpnextProxy.close();
      await erpnextSandbox.close();
      await moodleSandbox.close();
    },
  };
}

/** The integration guide's loop: per student read it, search, create, enrol, write back, one call at a time. */
async function naiveLoop(site: Site): Promise<number> {
  const mapping = mappingSchema.parse({});
  const programCourses = new Map<string, number[]>();
  const started = performance.now();
  for (const name of site.names) {
    const student = await site.erp.getDoc('Student', name);
    const [pe] = await site.erp.getList('Program Enrollment', { fields: ['program'], filters: [['student', '=', name], ['docstatus', '=', 1]] });
    const program = String(pe?.program);
    if (!programCourses.has(program)) {
      const idnumbers = programCourseIdnumbers(program, [...demoPrograms.find((p) => p.name === program)!.courses], mapping);
      const ids: number[] = [];
      for (const idnumber of idnumbers) {
        const { courses } = await site.moodle.getCoursesByField('idnumber', idnumber);
        if (courses[0]) ids.push(courses[0].id);
      }
      programCourses.set(program, ids);
    }
    let [user] = await site.moodle.getUsersByField('idnumber', [name]);
    if (!user) {
      const desired = desiredMoodleUser(student as never, mapping);
      const [created] = await site.moodle.createUsers([newMoodleUser(desired, mapping.moodle.auth)]);
      user = { id: created!.id } as never;
    }
    await site.moodle.enrolUsers(programCourses.get(program)!.map((courseid) => ({ roleid: mapping.moodle.studentRoleId, userid: user!.id, courseid })));
    await site.erp.update('Student', name, { [moodleUserIdField.fieldname]: user!.id });
  }
  return (performance.now() - started) / 1000;
}

/**
 * Every 10 s: students done, and the Moodle work that arrived since the last line as a share of
 * what its workers can do in that time (the proxy counts a request's work when it arrives, so a
 * queue shows as over 100 %), to see where a run falls behind its floor.
 */
function reportProgress(handle: WorkflowHandle<typeof backfill>, moodleProxy: CostModelProxy, started: number): NodeJS.Timeout {
  let last = { at: started, workMs: moodleProxy.counts.workMs };
  return setInterval(async () => {
    const state = await handle.query(backfillProgressQuery).catch(() => undefined);
    const now = { at: performance.now(), workMs: moodleProxy.counts.workMs };
    const offered = (now.workMs - last.workMs) / (moodleModel.workers * (now.at - last.at));
    last = now;
    console.log(`  ${round((now.at - started) / 1000, 0)} s: ${state?.done ?? '?'}/${state?.total ?? '?'} done, Moodle work arrived ${Math.round(offered * 100)} % of its workers' capacity`);
  }, 10_000);
}

/** The floor of one system: the larger of its requests ÷ allowed rate and its server work ÷ workers. */
const floorOf = (proxy: CostModelProxy, model: CostModel) => Math.max(proxy.counts.requests / model.rps, proxy.counts.workMs / 1000 / model.workers);
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

export async function run(): Promise<BenchReport> {
  installQuietRuntime();
  const naiveSite = await startSite(naiveStudents);
  // The demo plants two accounts with one idnumber: only duplicates a run adds count.
  const naiveBefore = moodleDuplicates(naiveSite.moodleSandbox);
  const naiveWallS = await naiveLoop(naiveSite);
  const naiveDuplicates = moodleDuplicates(naiveSite.moodleSandbox) - naiveBefore;
  await naiveSite.close();

  const server = await startBenchTemporalServer();
  const site = await startSite(students);
  const clientConnection = await Connection.connect({ address: server.address });
  const temporal = new Client({ connection: clientConnection, namespace: 'default' });
  const mapping = mappingSchema.parse({});
  // The workers run in a process of their own, so the peak RSS is theirs alone.
  const workers = await startWorkerProcess({
    temporalAddress: server.address,
    moodleUrl: site.moodleProxy.url,
    erpnextUrl: site.erpnextProxy.url,
    // The clients' pacers keep the bridge under each system's allowed rate, with a little headroom:
    // the proxy counts arrivals in a sliding second, and two requests delayed on the way may arrive close together.
    rates: { moodle: moodleRps * pacedShare, erpnext: erpnextRps * pacedShare },
  });

  const duplicatesBefore = moodleDuplicates(site.moodleSandbox);
  const started = performance.now();
  const handle = await temporal.workflow.start<typeof backfill>('backfill', {
    workflowId: `backfill:bench-${Date.now()}`,
    taskQueue: taskQueues.workflows,
    // The operator approved the go-live up front: no breaker pass.
    args: [{ dryRun: false, limits: null, roleId: mapping.moodle.studentRoleId, auth: mapping.moodle.auth }],
  });
  const progress = process.env.BENCH_VERBOSE ? reportProgress(handle, site.moodleProxy, started) : undefined;
  const result = await handle.result();
  clearInterval(progress);
  const bridgeWallS = (performance.now() - started) / 1000;
  const peakWorkerRss = await workers.stop();

  const total = students + 50;
  const moodleFloorS = floorOf(site.moodleProxy, moodleModel);
  const erpnextFloorS = floorOf(site.erpnextProxy, erpnextModel);
  const floorS = Math.max(moodleFloorS, erpnextFloorS);
  const bridge = {
    wallS: round(bridgeWallS),
    moodleCalls: site.moodleProxy.counts.requests,
    erpnextCalls: site.erpnextProxy.counts.requests,
    http429: site.moodleProxy.counts.http429 + site.erpnextProxy.counts.http429,
    overLimit: site.moodleProxy.counts.overLimit + site.erpnextProxy.counts.overLimit,
    duplicates: moodleDuplicates(site.moodleSandbox) - duplicatesBefore + naiveDuplicates,
    peakRssMb: Math.round(peakWorkerRss / 2 ** 20),
  };
  if (process.env.BENCH_VERBOSE) console.table({ ...site.moodleProxy.counts.byFunction, ...site.erpnextProxy.counts.byFunction });

  await site.close();
  await clientConnection.close();
  await server.stop();

  const speedupVsNaive = naiveWallS / naiveStudents / (bridgeWallS / total);
  return {
    name: 'backfill: go-live of every existing student',
    figures: {
      wallS: bridge.wallS,
      floorS: round(floorS),
      ratioToFloor: round(bridgeWallS / floorS),
      moodleFloorS: round(moodleFloorS),
      erpnextFloorS: round(erpnextFloorS),
      speedupVsNaive: round(speedupVsNaive, 1),
      naiveWallS: round(naiveWallS),
      moodleCallsPerStudent: round(bridge.moodleCalls / total, 3),
      erpnextCallsPerStudent: round(bridge.erpnextCalls / total, 3),
      moodleItemsPerStudent: round(site.moodleProxy.counts.items / total, 2),
      // Against a request's 30 s timeout (src/moodle/request-cost.ts): the batches in flight queue at Moodle's workers.
      moodleLongestAnswerS: round(site.moodleProxy.counts.longestAnswerMs / 1000, 1),
      created: result.counts.create,
      enrolments: result.counts.enrolments,
      notSynced: result.issueCount,
      http429: bridge.http429,
      overLimit: bridge.overLimit,
      duplicates: bridge.duplicates,
      peakRssMb: bridge.peakRssMb,
    },
    conditions: {
      students: total,
      naiveStudents: `${naiveStudents} (a slice, compared per student)`,
      moodleRps,
      erpnextRps,
      moodleCostModel: `${moodleModel.overheadMs} ms/request + ${JSON.stringify(moodleModel.perItemMs)} ms/item, ${moodleModel.workers} workers`,
      erpnextCostModel: `${erpnextModel.overheadMs} ms/request + ${JSON.stringify(erpnextModel.perItemMs)} ms/item, ${erpnextModel.workers} workers`,
      batch: `${backfillLimits.batchSize} students, ${backfillLimits.parallelism} batches in flight`,
      temporal: server.description,
      peakRss: `the worker process alone (the three workers, as \`campus-bridge worker\` runs them), sampled every 200 ms, in the deployment's memory bounds (${describeWorkerMemory()})`,
      cpus: os.cpus().length,
      node: process.version,
    },
    results: {
      students: total,
      moodleRps,
      erpnextRps,
      floorS: round(floorS),
      ratioToFloor: round(bridgeWallS / floorS),
      speedupVsNaive: round(speedupVsNaive, 1),
      naive: { students: naiveStudents, wallS: round(naiveWallS) },
      bridge,
    },
  };
}
