import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import os from 'node:os';
import readline from 'node:readline';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { IllegalStateError } from '@temporalio/common';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { z } from 'zod';
import { createActivities } from '../activities';
import { loadConfig } from '../src/config/env';
import { mappingSchema } from '../src/config/mapping-file';
import { createErpnextClient, type ErpnextClient } from '../src/erpnext/client';
import { erpnextInsertManyLimit } from '../src/common/batches';
import { createMoodleClient, type MoodleClient } from '../src/moodle/client';
import { demoAcademicYear, demoAssessmentCriteria, demoAssessmentGroup, demoGradingScale } from '../sandboxes/demo-data';
import { startErpnextSandbox } from '../sandboxes/erpnext';
import { startMoodleSandbox } from '../sandboxes/moodle';
import { TaskQueueWorkers } from '../src/temporal/task-queue-workers';
import { taskQueues } from '../src/common/task-queues';
import { startBenchTemporalServer } from './support/temporal-server';
import { gradeSyncSettings } from '../src/starters/sync-settings';
import { syncGrades, type GradesReport } from '../workflows/sync-grades';
import type { BenchReport } from './run';

/** 20 courses × 500 students = 10,000 course totals. */
const courseCount = Number(process.env.BENCH_GRADE_COURSES ?? 20);
const studentsPerCourse = Number(process.env.BENCH_GRADE_STUDENTS ?? 500);

const countsSchema = z.record(z.string(), z.number());

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

async function control(url: string, route: string, body: unknown): Promise<unknown> {
  const response = await fetch(`${url}/__sandbox/${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`POST /__sandbox/${route}: ${response.status} ${await response.text()}`);
  return response.status === 204 ? undefined : response.json();
}

async function moodleWs(url: string, wsfunction: string, args: Record<string, string | number>): Promise<unknown> {
  const body = new URLSearchParams({ wstoken: 'dev-moodle-token', wsfunction, moodlewsrestformat: 'json' });
  for (const [key, value] of Object.entries(args)) body.set(key, String(value));
  const json: unknown = await (await fetch(`${url}/webservice/rest/server.php`, { method: 'POST', body })).json();
  if (json !== null && typeof json === 'object' && 'exception' in json) throw new Error(`${wsfunction}: ${JSON.stringify(json)}`);
  return json;
}

/** ERPNext side through its REST API: Students, Courses, Course-based Student Groups and submitted Assessment Plans. */
async function seedErpnext(erp: ErpnextClient): Promise<{ students: string[]; courses: string[] }> {
  const students: string[] = [];
  const newStudents = Array.from({ length: studentsPerCourse }, (_, i) => ({
    doctype: 'Student',
    first_name: `Bench${i}`,
    last_name: 'Student',
    student_email_id: `bench.student.${i}@example.edu`,
  }));
  for (const batch of chunks(newStudents, erpnextInsertManyLimit)) students.push(...(await erp.insertMany(batch)));
  const courses = Array.from({ length: courseCount }, (_, i) => `BENCH${String(i + 1).padStart(3, '0')}`);
  await erp.insertMany(courses.map((course_name) => ({ doctype: 'Course', course_name })));
  for (const [index, course] of courses.entries()) {
    const group = `${course} ${demoAcademicYear.name}`;
    await erp.insert('Student Group', {
      student_group_name: group,
      group_based_on: 'Course',
      course,
      academic_year: demoAcademicYear.name,
      students: students.map((student) => ({ student, active: 1 })),
    });
    await erp.insert('Assessment Plan', {
      student_group: group,
      assessment_group: demoAssessmentGroup,
      course,
      grading_scale: demoGradingScale.name,
      schedule_date: '2027-01-15',
      from_time: `${String(8 + (index % 10)).padStart(2, '0')}:00:00`,
      to_time: `${String(8 + (index % 10)).padStart(2, '0')}:45:00`,
      maximum_assessment_score: 100,
      assessment_criteria: [{ assessment_criteria: demoAssessmentCriteria, maximum_score: 100 }],
      docstatus: 1,
    });
  }
  return { students, courses };
}

/** Moodle side through its REST API (users, courses, enrolments) plus the sandbox's gradebook routes. */
async function seedMoodle(moodle: MoodleClient, url: string, students: readonly string[], courses: readonly string[]): Promise<void> {
  const users = await moodle.createUsers(
    students.map((idnumber, i) => ({ username: `bench${i}`, password: 'Bench-pass-2026!', firstname: `Bench${i}`, lastname: 'Student', email: `bench.student.${i}@example.edu`, idnumber })),
  );
  for (const [index, idnumber] of courses.entries()) {
    const args: Record<string, string | number> = { 'courses[0][fullname]': `Bench course ${index + 1}`, 'courses[0][shortname]': idnumber, 'courses[0][categoryid]': 1, 'courses[0][idnumber]': idnumber };
    const [course] = z.array(z.object({ id: z.number() })).parse(await moodleWs(url, 'core_course_create_courses', args));
    await moodle.enrolUsers(users.map((user) => ({ roleid: 5, userid: user.id, courseid: course.id, timestart: 0, timeend: 0, suspend: false })));
    const { cmid } = z.object({ cmid: z.number() }).parse(await control(url, 'modules', { courseid: course.id, modname: 'assign', name: 'Final exam', grademax: 100 }));
    await control(url, 'grades', { cmid, grades: users.map((user, i) => ({ userid: user.id, grade: 35 + ((i * 7 + index * 13) % 65) })) });
  }
}

const sandboxUrls = z.object({ moodle: z.string(), erpnext: z.string() });

/**
 * The sandboxes run in a process of their own, as the real systems would: their in-memory
 * validation is CPU-heavy at this size and would otherwise starve the worker's event loop.
 */
async function startSandboxProcess(): Promise<{ urls: z.infer<typeof sandboxUrls>; child: ChildProcess }> {
  const child = spawn(process.execPath, [...process.execArgv, __filename], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, BENCH_GRADES_SANDBOXES: '1' } });
  const lines = readline.createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const [line] = (await once(lines, 'line')) as [string];
  lines.close();
  return { urls: sandboxUrls.parse(JSON.parse(line)), child };
}

/** The child's side: both sandboxes, their URLs as one JSON line, until SIGTERM. */
async function serveSandboxes(): Promise<void> {
  const [moodleSandbox, erpSandbox] = await Promise.all([startMoodleSandbox({ seed: 'empty' }), startErpnextSandbox({ seed: 'demo' })]);
  process.stdout.write(`${JSON.stringify({ moodle: moodleSandbox.url, erpnext: erpSandbox.url })}\n`);
  process.once('SIGTERM', () => {
    void Promise.all([moodleSandbox.close(), erpSandbox.close()]).then(() => process.exit(0));
  });
}

async function erpnextWriteCount(url: string): Promise<number> {
  const counts = countsSchema.parse(await (await fetch(`${url}/__sandbox/requests`)).json());
  return Object.entries(counts)
    .filter(([key]) => !key.startsWith('GET '))
    .reduce((sum, [, n]) => sum + n, 0);
}

async function untilVisible(client: Client, count: number): Promise<void> {
  while ((await client.workflow.count(`WorkflowType = 'syncGrades' AND ExecutionStatus = 'Completed'`)).count < count) {
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** A 10,000-grade first sync and the unchanged re-run, on a real dev server against both sandboxes. */
export async function run(): Promise<BenchReport> {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch (err) {
    // Another bench in the same `npm run bench` already installed it; its logger serves both.
    if (!(err instanceof IllegalStateError)) throw err;
  }
  const config = loadConfig('worker', {}, { developmentDefaults: true });
  const rates = { moodle: config.MOODLE_RATE_PER_SECOND, erpnext: config.ERPNEXT_RATE_PER_SECOND };
  const mapping = mappingSchema.parse({});
  const server = await startBenchTemporalServer();
  const { urls, child } = await startSandboxProcess();
  const connection = await Connection.connect({ address: server.address });
  const workerConnection = await NativeConnection.connect({ address: server.address });
  try {
    const client = new Client({ connection });
    const moodle = createMoodleClient({ url: urls.moodle, token: 'dev-moodle-token' });
    const erp = createErpnextClient({ url: urls.erpnext, apiKey: 'dev-key', apiSecret: 'dev-secret' });
    const { students, courses } = await seedErpnext(erp);
    await seedMoodle(moodle, urls.moodle, students, courses);

    const { code } = await bundleWorkflowCode({ workflowsPath: path.resolve(__dirname, '../workflows'), logger: new DefaultLogger('WARN') });
    const workers = await TaskQueueWorkers.create({
      connection: workerConnection,
      namespace: 'default',
      workflows: { workflowBundle: { code } },
      activities: createActivities({ moodle, erpnext: erp, mapping }),
      rates,
    });
    const timed = async (workflowId: string): Promise<{ ms: number; writes: number; report: GradesReport }> => {
      await fetch(`${urls.erpnext}/__sandbox/requests`, { method: 'DELETE' });
      const started = performance.now();
      const report = await client.workflow.execute(syncGrades, { workflowId, taskQueue: taskQueues.workflows, args: [{ settings: gradeSyncSettings(mapping) }] });
      return { ms: Math.round(performance.now() - started), writes: await erpnextWriteCount(urls.erpnext), report };
    };
    // Counted in ERPNext itself: retried batches must not have written a result twice.
    let stored = 0;
    const { first, rerun } = await workers.runUntil(
      (async () => {
        const before = await erp.getCount('Assessment Result');
        const firstRun = await timed('grades:bench-first');
        stored = (await erp.getCount('Assessment Result')) - before;
        await untilVisible(client, 1);
        return { first: firstRun, rerun: await timed('grades:bench-rerun') };
      })(),
    );
    return {
      name: 'grades',
      figures: {
        firstSyncMs: first.ms,
        firstSyncResultsCreated: first.report.totals.created,
        firstSyncResultsStoredInErpnext: stored,
        firstSyncErpnextWriteRequests: first.writes,
        rerunMs: rerun.ms,
        rerunErpnextWriteRequests: rerun.writes,
        rerunResultsCreatedOrUpdated: rerun.report.totals.created + rerun.report.totals.updated,
      },
      conditions: {
        grades: courseCount * studentsPerCourse,
        courses: courseCount,
        studentsPerCourse,
        parallelism: mapping.grades.parallelism,
        moodleActivitiesPerSecond: rates.moodle,
        erpnextActivitiesPerSecond: rates.erpnext,
        sandboxes: 'Moodle and ERPNext sandboxes in one separate local process, no injected latency',
        temporal: server.description,
        cpus: os.cpus().length,
        node: process.version,
      },
    };
  } finally {
    await workerConnection.close();
    await connection.close();
    child.kill('SIGTERM');
    await server.stop();
  }
}

if (require.main === module && process.env.BENCH_GRADES_SANDBOXES === '1') void serveSandboxes();
