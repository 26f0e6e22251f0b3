import os from 'node:os';
import { z } from 'zod';
import { workflowIds } from '../src/common/workflow-ids';
import { demoAcademicTerm, demoAcademicYear, demoCourses, demoPrograms } from '../sandboxes/demo-data';
import type { MoodleSandbox } from '../sandboxes/moodle';
import { startBenchStack } from './support/bench-stack';
import { benchEnv, describeModel, erpnextModel, erpnextRps, moodleModel, moodleRps } from './support/cost-models';
import { historyTimeline, profileHistories } from './support/history-profile';
import { percentile } from './support/percentile';
import type { BenchReport } from './run';

/**
 * Webhook → enrolled: Students (each with a submitted Program Enrollment) are created through the
 * ERPNext sandbox's REST API at a steady arrival rate; the sandbox fires its Webhooks at the
 * gateway; the clock runs from the gateway accepting the Student's after_insert to the moment
 * Moodle holds the user actively enrolled in every mapped course of the program. The bridge talks
 * to both sandboxes through the issue #12 cost model (bench/support/cost-models.ts), as the
 * backfill and burst benches do.
 */
const students = benchEnv('BENCH_ONBOARD_STUDENTS', 200);
const arrivalsPerSecond = benchEnv('BENCH_ONBOARD_ARRIVALS', 1);
/** The bridge's pacers send at this share of each system's allowed rate (bench/burst.ts says why). */
const pacedShare = 0.9;
const rates = { moodle: moodleRps * pacedShare, erpnext: erpnextRps * pacedShare };
const deadlineMs = benchEnv('BENCH_ONBOARD_TIMEOUT_MS', 300_000);
const secret = 'bench-webhook-secret';

const studentWebhookBody = z.object({ name: z.string() });

/** Moodle course ids each program should end up with (the demo's NUR110 has no Moodle course). */
function programCourseIds(moodle: MoodleSandbox): Map<string, number[]> {
  const byIdnumber = new Map(moodle.state.courses.map((c) => [c.idnumber, c.id]));
  return new Map(
    demoPrograms.map((p) => [p.name, p.courses.filter((code) => demoCourses.find((c) => c.code === code)?.moodle).map((code) => byIdnumber.get(code) ?? -1)]),
  );
}

/**
 * Moodle course ids each Student (by user idnumber) is actively enrolled in, read from the
 * sandbox's own tables (what its web services return), indexed once per look.
 */
function activeCoursesByIdnumber(moodle: MoodleSandbox): Map<string, Set<number>> {
  const courseOfInstance = new Map(moodle.state.enrolInstances.map((instance) => [instance.id, instance.courseid]));
  const coursesOfUser = new Map<number, Set<number>>();
  for (const ue of moodle.state.userEnrolments) {
    const course = courseOfInstance.get(ue.enrolid);
    if (ue.status !== 0 || course === undefined) continue;
    coursesOfUser.set(ue.userid, (coursesOfUser.get(ue.userid) ?? new Set()).add(course));
  }
  const byIdnumber = new Map<string, Set<number>>();
  for (const user of moodle.state.users) {
    if (user.idnumber && !user.deleted) byIdnumber.set(user.idnumber, coursesOfUser.get(user.id) ?? new Set());
  }
  return byIdnumber;
}

export async function run(): Promise<BenchReport> {
  const receivedAt = new Map<string, number>();
  const stack = await startBenchStack({
    rates,
    costModels: { moodle: moodleModel, erpnext: erpnextModel },
    webhookSecret: secret,
    onGateway: (gateway) =>
      gateway.addHook('onResponse', async (request, reply) => {
        if (request.url !== '/webhooks/erpnext/student/after_insert' || reply.statusCode !== 202 || !Buffer.isBuffer(request.body)) return;
        const { name } = studentWebhookBody.parse(JSON.parse(request.body.toString('utf8')));
        if (!receivedAt.has(name)) receivedAt.set(name, performance.now());
      }),
  });
  const { temporal, moodleSandbox, direct: erp } = stack;
  const proxies = stack.proxies!;

  try {
    const expected = programCourseIds(moodleSandbox);
    const pending = new Map<string, number[]>();
    const latencies: number[] = [];
    const latencyOf = new Map<string, number>();
    const errors: string[] = [];
    // Polling resolution 20 ms; cheap enough not to steal the event loop from the workers.
    const watcher = setInterval(() => {
      if (pending.size === 0) return;
      const now = performance.now();
      const active = activeCoursesByIdnumber(moodleSandbox);
      for (const [name, courseIds] of pending) {
        const received = receivedAt.get(name);
        const courses = active.get(name);
        if (received !== undefined && courses && courseIds.every((id) => courses.has(id))) {
          latencies.push(now - received);
          latencyOf.set(name, now - received);
          pending.delete(name);
        }
      }
    }, 20);

    const started = performance.now();
    try {
      const creations: Promise<void>[] = [];
      for (let i = 0; i < students; i++) {
        const due = started + (i * 1000) / arrivalsPerSecond;
        await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
        const program = demoPrograms[i % demoPrograms.length];
        creations.push(
          (async () => {
            const student = await erp.insert('Student', {
              first_name: `Bench${i}`,
              last_name: 'Onboarding',
              student_email_id: `bench.onboarding.${i}@students.cbu.example`,
              student_mobile_number: `+44 7700 9${String(i).padStart(5, '0')}`,
              city: 'Leeds',
            });
            pending.set(student.name, expected.get(program.name) ?? []);
            await erp.insert('Program Enrollment', {
              student: student.name,
              program: program.name,
              academic_year: demoAcademicYear.name,
              academic_term: demoAcademicTerm.name,
              enrollment_date: demoAcademicTerm.termStartDate,
              docstatus: 1,
            });
          })().catch((err: unknown) => {
            errors.push((err as Error).message);
          }),
        );
      }
      await Promise.all(creations);
      const deadline = performance.now() + deadlineMs;
      while (pending.size > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    } finally {
      clearInterval(watcher);
    }
    const wallSeconds = (performance.now() - started) / 1000;
    if (process.env.BENCH_VERBOSE) console.table({ ...proxies.moodle.counts.byFunction, ...proxies.erpnext.counts.byFunction });
    const moodleCalls = proxies.moodle.counts.requests;
    const erpnextCalls = proxies.erpnext.counts.requests;
    const http429 = proxies.moodle.counts.http429 + proxies.erpnext.counts.http429;
    // Where an onboarding's time goes, step by step, read from the runs' histories.
    if (process.env.BENCH_PROFILE) {
      console.table(await profileHistories(temporal, [...receivedAt.keys()].map((name) => workflowIds.onboard(name))));
      // The admission at the median, event by event from the webhook's arrival to the enrolment seen in Moodle.
      const [median] = [...latencyOf].sort(([, a], [, b]) => a - b).slice(Math.floor(latencyOf.size / 2));
      if (median) {
        const [name, latencyMs] = median;
        const timeline = await historyTimeline(temporal, workflowIds.onboard(name), performance.timeOrigin + receivedAt.get(name)!);
        console.log(`median admission ${name}: enrolled seen at ${Math.round(latencyMs)} ms`);
        console.table(timeline);
      }
    }

    const sorted = [...latencies].sort((a, b) => a - b);
    const round = (ms: number) => Math.round(ms);
    return {
      name: 'onboarding: webhook → enrolled',
      figures: {
        p50Ms: round(percentile(sorted, 50)),
        p90Ms: round(percentile(sorted, 90)),
        p99Ms: round(percentile(sorted, 99)),
        maxMs: round(sorted.at(-1) ?? Number.NaN),
        enrolled: latencies.length,
        notEnrolledInTime: pending.size,
        creationErrors: errors.length,
        wallSeconds: Math.round(wallSeconds * 10) / 10,
        // The bridge's requests only (the proxies see nothing else): the bench's own inserts go direct.
        moodleCalls,
        erpnextCalls,
        http429,
      },
      conditions: {
        students,
        arrivalsPerSecond,
        moodleRps,
        erpnextRps,
        pacedAt: `${pacedShare} of each rate`,
        moodleCostModel: describeModel(moodleModel),
        erpnextCostModel: describeModel(erpnextModel),
        flow: 'Student insert, then submitted Program Enrollment (4 courses, 3 or 4 in Moodle), all webhooks fired by the ERPNext sandbox',
        temporal: `${stack.temporalServer}, one worker process per queue`,
        cpus: os.cpus().length,
        loadAverageAtEnd: os.loadavg()[0].toFixed(1),
        node: process.version,
      },
    };
  } finally {
    await stack.close();
  }
}
