import os from 'node:os';
import { moodleBurstLimits } from '../activities/burst/moodle-burst';
import { erpnextBurstLimits } from '../activities/burst/erpnext-burst';
import { activitiesPerRequestRate } from '../src/temporal/task-queue-workers';
import { demoAcademicTerm, demoAcademicYear, demoCourses, demoPrograms } from '../sandboxes/demo-data';
import type { MoodleSandbox } from '../sandboxes/moodle';
import type { BenchReport } from './run';
import { startBenchStack, type BenchStack } from './support/bench-stack';
import { benchEnv, describeModel, erpnextModel, erpnextRps, floorOf, moodleModel, moodleRps } from './support/cost-models';
import { moodleDuplicates } from './support/moodle-duplicates';
import { describeWorkerMemory } from './support/worker-process';

/*
 * A burst of admissions through the webhook path (issue #12): `BENCH_BURST_STUDENTS` Students, each
 * with a submitted Program Enrollment as the demo data has them, inserted at once in the ERPNext
 * sandbox (insert_many, 200 a request, as a Data Import's jobs do); every webhook fires at the real
 * gateway, onboarding runs on Temporal, and the bridge talks to both sandboxes through the cost
 * model. Done when Moodle holds every student actively enrolled in the program's Moodle courses.
 */
const students = benchEnv('BENCH_BURST_STUDENTS', 1000);
/**
 * The site's background workers on the Webhook's queue, each delivering one webhook at a time
 * (a delivery is one RQ job); 4 stands for a site sized for a Data Import. Unbounded, the sandbox sent the 1,000 admissions' ~6,000 webhooks at once and the
 * bench process ran out of file descriptors (EMFILE at 20,000), which no real site would cause.
 */
const webhookWorkers = benchEnv('BENCH_FRAPPE_WEBHOOK_WORKERS', 4);
const deadlineMs = benchEnv('BENCH_BURST_TIMEOUT_MS', 900_000);
const secret = 'bench-webhook-secret';
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
/**
 * The share of each system's allowed rate the bridge's pacers send at. The proxy counts arrivals
 * in a sliding second, and arrivals bunch up behind a busy event loop (proxies, workers and
 * gateway share this process), so pacing at exactly the limit would now and then put one request
 * over it; a deployment leaves the same headroom under a real proxy's limit.
 */
const pacedShare = 0.9;

/** Moodle course ids each program should end up with (a demo course without `moodle` has none). */
function programCourseIds(moodle: MoodleSandbox): Map<string, number[]> {
  const byIdnumber = new Map(moodle.state.courses.map((c) => [c.idnumber, c.id]));
  return new Map(demoPrograms.map((p) => [p.name, p.courses.filter((code) => demoCourses.find((c) => c.code === code)?.moodle).map((code) => byIdnumber.get(code) ?? -1)]));
}

/** Students (by idnumber) actively enrolled in all their courses, from the sandbox's tables. */
function enrolledStudents(moodle: MoodleSandbox, expected: Map<string, number[]>): Set<string> {
  const courseOf = new Map(moodle.state.enrolInstances.map((instance) => [instance.id, instance.courseid]));
  const coursesOf = new Map<number, Set<number>>();
  for (const ue of moodle.state.userEnrolments) {
    const course = courseOf.get(ue.enrolid);
    if (ue.status === 0 && course !== undefined) coursesOf.set(ue.userid, (coursesOf.get(ue.userid) ?? new Set()).add(course));
  }
  const done = new Set<string>();
  for (const user of moodle.state.users) {
    const courses = expected.get(user.idnumber ?? '');
    if (courses && !user.deleted && courses.every((id) => coursesOf.get(user.id)?.has(id))) done.add(user.idnumber!);
  }
  return done;
}

/** Waits until no onboarding or enrolment run of the burst is open (the profile runs live on, waiting for saves). */
async function untilAdmissionRunsClosed(stack: BenchStack, deadline: number): Promise<void> {
  const query = `ExecutionStatus = 'Running' AND WorkflowType IN ('onboardStudent', 'enrollProgram', 'enrollCourse')`;
  while (performance.now() < deadline && (await stack.temporal.workflow.count(query)).count > 0) await new Promise((resolve) => setTimeout(resolve, 500));
}

export async function run(): Promise<BenchReport> {
  const stack = await startBenchStack({
    rates: { moodle: moodleRps * pacedShare, erpnext: erpnextRps * pacedShare },
    costModels: { moodle: moodleModel, erpnext: erpnextModel },
    webhookSecret: secret,
    erpnextWebhookWorkers: webhookWorkers,
    workerProcess: true,
  });
  let report: BenchReport;
  try {
    report = await measure(stack);
  } finally {
    await stack.close();
  }
  // Known once the worker process has stopped.
  report.figures.workerPeakRssMb = Math.round((stack.workerPeakRss() ?? Number.NaN) / 2 ** 20);
  return report;
}

async function measure(stack: BenchStack): Promise<BenchReport> {
  const { moodleSandbox, direct } = stack;
  const { moodle: moodleProxy, erpnext: erpnextProxy } = stack.proxies!;

  const expected = programCourseIds(moodleSandbox);
  const programOf = new Map<string, number[]>();
  const duplicatesBefore = moodleDuplicates(moodleSandbox);
  let peakRss = process.memoryUsage().rss;
  const started = performance.now();
  let finishedAt = Number.NaN;
  for (let start = 0; start < students; start += 200) {
    const docs = Array.from({ length: Math.min(200, students - start) }, (_, k) => {
      const i = start + k;
      return { doctype: 'Student', first_name: `Burst${i}`, last_name: 'Admit', student_email_id: `bench.burst.${i}@students.cbu.example`, city: 'Leeds' };
    });
    const names = await direct.insertMany(docs);
    await direct.insertMany(
      names.map((student, k) => {
        const program = demoPrograms[(start + k) % demoPrograms.length]!;
        programOf.set(student, expected.get(program.name) ?? []);
        return { doctype: 'Program Enrollment', student, program: program.name, academic_year: demoAcademicYear.name, academic_term: demoAcademicTerm.name, enrollment_date: demoAcademicTerm.termStartDate, docstatus: 1 };
      }),
    );
  }
  const insertedS = (performance.now() - started) / 1000;
  const deadline = performance.now() + deadlineMs;
  let enrolled = 0;
  let lastReport = performance.now();
  while (performance.now() < deadline) {
    if (process.env.BENCH_VERBOSE && performance.now() - lastReport > 5000) {
      lastReport = performance.now();
      console.log(`  ${round((lastReport - started) / 1000, 1)} s: ${enrolled}/${students} enrolled; moodle ${moodleProxy.counts.requests} requests, erpnext ${erpnextProxy.counts.requests}`);
    }
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    enrolled = enrolledStudents(moodleSandbox, programOf).size;
    if (enrolled >= students) {
      finishedAt = performance.now();
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const wallS = ((Number.isNaN(finishedAt) ? performance.now() : finishedAt) - started) / 1000;
  // The site may still be delivering the admissions' later webhooks (their runs go behind
  // onboarding's), and write-backs and profile runs may be finishing: the counts are taken once
  // all of it is done, so they are the burst's whole cost.
  await stack.erpnextSandbox.state.webhooks.idle();
  const webhooksDeliveredS = (performance.now() - started) / 1000;
  await untilAdmissionRunsClosed(stack, deadline);
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const dup = moodleDuplicates(moodleSandbox) - duplicatesBefore;
  const moodleFloorS = floorOf(moodleProxy, moodleModel);
  const erpnextFloorS = floorOf(erpnextProxy, erpnextModel);
  const floorS = Math.max(moodleFloorS, erpnextFloorS);
  const byFunction = { ...moodleProxy.counts.byFunction, ...erpnextProxy.counts.byFunction };
  if (process.env.BENCH_VERBOSE) console.table(byFunction);
  const counts = { moodle: { ...moodleProxy.counts }, erpnext: { ...erpnextProxy.counts } };


  const burst = {
    students,
    // Fewer than students: the deadline passed first, and wallS is only how long the bench waited.
    enrolled,
    wallS: round(wallS),
    floorS: round(floorS),
    ratioToFloor: round(wallS / floorS),
    duplicates: dup,
    moodleCallsPerStudent: round(counts.moodle.requests / students, 3),
    erpnextCallsPerStudent: round(counts.erpnext.requests / students, 3),
    http429: counts.moodle.http429 + counts.erpnext.http429,
    overLimit: counts.moodle.overLimit + counts.erpnext.overLimit,
  };
  return {
    name: 'burst: admissions inserted at once, through the webhook path',
    figures: {
      ...burst,
      moodleFloorS: round(moodleFloorS),
      erpnextFloorS: round(erpnextFloorS),
      insertedS: round(insertedS),
      webhooksDeliveredS: round(webhooksDeliveredS),
      moodleCreates: byFunction.core_user_create_users ?? 0,
      moodleEnrols: byFunction.enrol_manual_enrol_users ?? 0,
      moodleLookups: (byFunction.core_user_get_users_by_field ?? 0) + (byFunction.core_user_get_users ?? 0),
      erpnextWriteBacks: (byFunction['PUT Student'] ?? 0) + (byFunction['frappe.client.bulk_update'] ?? 0),
      benchProcessPeakRssMb: Math.round(peakRss / 2 ** 20),
    },
    conditions: {
      students,
      flow: 'Students then submitted Program Enrollments by insert_many (200 a request, direct to the sandbox); every webhook fired by the ERPNext sandbox at the gateway',
      webhookWorkers: `${webhookWorkers} (the site's background workers delivering webhooks, one at a time each)`,
      moodleCostModel: describeModel(moodleModel),
      erpnextCostModel: describeModel(erpnextModel),
      pacing: `bridge's clients paced at moodle ${round(moodleRps * pacedShare)}/s, erpnext ${round(erpnextRps * pacedShare)}/s requests (${pacedShare} of the limit); task-queue activity caps ${activitiesPerRequestRate}x that`,
      gatherers: JSON.stringify({ ...moodleBurstLimits, ...erpnextBurstLimits }),
      requestsByFunction: JSON.stringify(byFunction),
      temporal: `${stack.temporalServer}; the three queues' workers in a process of their own; the sandboxes, cost-model proxies and gateway in the bench process`,
      counted: 'requests counted once the site had delivered every webhook (webhooksDeliveredS) and no onboarding or enrolment run was open',
      workerMemory: describeWorkerMemory(),
      cpus: os.cpus().length,
      loadAverageAtEnd: os.loadavg()[0].toFixed(1),
      node: process.version,
    },
    results: { burst },
  };
}
