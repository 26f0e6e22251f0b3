import { mappingSchema } from '../../src/config/mapping-file';
import type { ErpnextClient } from '../../src/erpnext/client';
import type { MoodleClient } from '../../src/moodle/client';
import type { ErpnextSandbox } from '../../sandboxes/erpnext';
import type { MoodleSandbox } from '../../sandboxes/moodle';
import { applySchedules, scheduleIds } from '../../src/starters/nightly-schedules';
import { changeFeedScheduleId } from '../../src/starters/change-feed-schedule';
import { gradeSyncSettings } from '../../src/starters/sync-settings';
import { startGradeSync } from '../../src/starters/sync-requests';
import { singleSyncRuns } from '../../src/common/sync-runs';
import { StudentId, SyncKind } from '../../src/common/search-attributes';
import { taskQueues } from '../../src/common/task-queues';
import { courseWatermarkKey } from '../../workflows/course-sync/sync-report';
import { gradesProgressQuery, syncGrades, type GradesReport } from '../../workflows/sync-grades';
import type { TemporalTestEnv } from '../support/temporal';
import { syncCommand } from '../../src/commands/sync';
import { startSyncStack, type SyncStack } from './sync-stack';
import { erpnextWrites, moodleWs, requestCounts, resetRequestCounts, untilCompletedRunsVisible, untilScheduleStarted } from './sandbox-helpers';

jest.setTimeout(120_000);

const mapping = mappingSchema.parse({ grades: { parallelism: 3 } });

let stack: SyncStack;
let env: TemporalTestEnv;
let moodleSandbox: MoodleSandbox;
let erpSandbox: ErpnextSandbox;
let moodle: MoodleClient;
let erp: ErpnextClient;

beforeAll(async () => {
  stack = await startSyncStack(mapping);
  ({ env, moodleSandbox, erpSandbox, moodle, erp } = stack);
  // The demo's grades were entered yesterday, so grades given during the test are newer than any watermark they set.
  for (const grade of moodleSandbox.state.grades) grade.timemodified -= 86_400;
});

afterAll(async () => stack?.close());

const run = (id: string, input: Partial<Parameters<typeof syncGrades>[0]> = {}): Promise<GradesReport> =>
  env.client.workflow.execute(syncGrades, { workflowId: id, taskQueue: taskQueues.workflows, args: [{ settings: gradeSyncSettings(mapping), ...input }] });

/** Course totals in Moodle of one course, straight from the protocol, to compare against. */
async function gradedStudents(courseIdnumber: string): Promise<number> {
  const { courses } = await moodle.getCoursesByField('idnumber', courseIdnumber);
  const { usergrades } = await moodle.getGradeItems(courses[0].id);
  return usergrades.filter((user) => user.gradeitems.some((item) => item.itemtype === 'course' && item.graderaw !== null && item.graderaw !== undefined)).length;
}

describe('syncGrades on the dev server against both sandboxes', () => {
  let first: GradesReport;
  let latest: GradesReport;

  it('creates the Assessment Results on a first run and reports unknown users and unmapped courses', async () => {
    // A hand-made Moodle account without idnumber, graded in a mapped course, and a Moodle course ERPNext does not know.
    const course = (await moodle.getCoursesByField('idnumber', 'CS101')).courses[0];
    const [stranger] = await moodle.createUsers([{ username: 'walkin', password: 'Walk-in-2026!', firstname: 'Walk', lastname: 'In', email: 'walkin@example.org' }]);
    await moodle.enrolUsers([{ roleid: 5, userid: stranger.id, courseid: course.id, timestart: 0, timeend: 0, suspend: false }]);
    const { usergrades } = await moodle.getGradeItems(course.id);
    const coursework = usergrades[0].gradeitems.find((item) => item.itemtype === 'mod' && item.cmid !== undefined);
    await moodleWs(moodleSandbox.url, 'core_grades_update_grades', { source: 'test', courseid: course.id, component: 'mod_assign', activityid: coursework?.cmid, itemnumber: 0, 'grades[0][studentid]': stranger.id, 'grades[0][grade]': 70 });
    await moodleWs(moodleSandbox.url, 'core_course_create_courses', { 'courses[0][fullname]': 'Summer school', 'courses[0][shortname]': 'SUMMER', 'courses[0][categoryid]': 1, 'courses[0][idnumber]': 'SUMMER-2027' });

    const before = await erp.getCount('Assessment Result');
    first = await run('grades:test-first');

    const created = (await erp.getCount('Assessment Result')) - before;
    expect(first.totals.created).toBeGreaterThan(0);
    expect(first.totals.created).toBe(created);
    const cs101 = first.courses.find((c) => c.course === 'CS101');
    expect(cs101).toMatchObject({ status: 'synced', skipped: { 'no-student-idnumber': 1 } });
    expect(cs101?.skippedGrades).toContainEqual(expect.objectContaining({ moodleUserId: stranger.id, reason: 'no-student-idnumber' }));
    expect((cs101?.created ?? 0) + (cs101?.updated ?? 0) + (cs101?.unchanged ?? 0) + 1).toBeLessThanOrEqual(await gradedStudents('CS101'));
    expect(first.courses.find((c) => c.course === 'SUMMER-2027')).toMatchObject({ status: 'unmapped', reason: expect.stringContaining('Assessment Plan') });
    expect(Object.keys(first.watermarks)).toContain(courseWatermarkKey('CS101', String(cs101?.plan)));

    // The scores are Moodle's course totals scaled onto the plan's maximum.
    const [result] = await erp.getList('Assessment Result', { fields: ['name', 'student', 'total_score', 'maximum_score'], filters: [['course', '=', 'CS101']], limitPageLength: 1 });
    expect(Number(result.total_score)).toBeGreaterThan(0);
    expect(Number(result.total_score)).toBeLessThanOrEqual(Number(result.maximum_score));
  });

  it('writes nothing on a second run with nothing changed, starting from the first run’s watermark', async () => {
    await untilCompletedRunsVisible(env.client, 'syncGrades', 1);
    await resetRequestCounts(erpSandbox.url);
    const second = await run('grades:test-second');
    expect(erpnextWrites(await requestCounts(erpSandbox.url))).toEqual({});
    expect(second.totals).toMatchObject({ created: 0, updated: 0 });
    expect(second.watermarks).toEqual(first.watermarks);
    // CS101's watermark is held at the walk-in's skipped grade, the newest: the second run looked at nothing older.
    expect(second.courses.find((c) => c.course === 'CS101')).toMatchObject({ created: 0, updated: 0, unchanged: 0, skipped: { 'no-student-idnumber': 1 } });
    expect(second.courses.find((c) => c.course === 'CS102')?.unchanged).toBe(first.courses.find((c) => c.course === 'CS102')?.created);
  });

  it('updates exactly one result when one grade changes', async () => {
    await untilCompletedRunsVisible(env.client, 'syncGrades', 2);
    const course = (await moodle.getCoursesByField('idnumber', 'CS101')).courses[0];
    const { usergrades } = await moodle.getGradeItems(course.id);
    const student = usergrades.find((user) => user.useridnumber);
    const coursework = student?.gradeitems.find((item) => item.itemtype === 'mod' && item.cmid !== undefined);
    const newGrade = (coursework?.graderaw ?? 50) > 50 ? 12 : 97;
    await moodleWs(moodleSandbox.url, 'core_grades_update_grades', { source: 'test', courseid: course.id, component: 'mod_assign', activityid: coursework?.cmid, itemnumber: 0, 'grades[0][studentid]': student?.userid, 'grades[0][grade]': newGrade });

    await resetRequestCounts(erpSandbox.url);
    const third = await run('grades:test-third');
    expect(third.totals).toMatchObject({ created: 0, updated: 1 });
    expect(third.courses.find((c) => c.course === 'CS101')).toMatchObject({ updated: 1 });
    expect(erpnextWrites(await requestCounts(erpSandbox.url))).toEqual({ 'PUT Assessment Result': 1 });
  });

  it('continues as new between courses and still returns the whole report', async () => {
    const handle = await env.client.workflow.start(syncGrades, {
      workflowId: 'grades:test-continue-as-new',
      taskQueue: taskQueues.workflows,
      args: [{ settings: { ...gradeSyncSettings(mapping), coursesPerRun: 2 } }],
    });
    const report = await handle.result();
    const firstRun = await env.client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId).describe();
    expect(firstRun.status.name).toBe('CONTINUED_AS_NEW');
    expect(report.courses.filter((c) => c.status === 'synced').length).toBe(first.courses.filter((c) => c.status === 'synced').length);
    expect(report.totals).toMatchObject({ created: 0, updated: 0 });
    latest = report;
  });

  it('syncs one student on demand and answers progress queries', async () => {
    await untilCompletedRunsVisible(env.client, 'syncGrades', 4);
    const [{ student }] = await erp.getList('Assessment Result', { fields: ['student'], filters: [['course', '=', 'CS101']], limitPageLength: 1 });
    const { workflowId } = await startGradeSync(env.client, mapping, { student: String(student) });
    const handle = env.client.workflow.getHandle<typeof syncGrades>(workflowId);
    const report = await handle.result();
    const progress = await handle.query(gradesProgressQuery);
    expect(progress).toMatchObject({ running: [], pending: [] });
    expect(report.totals).toMatchObject({ created: 0, updated: 0 });
    expect(report.totals.unchanged).toBeGreaterThanOrEqual(1);
    // A one-student run carries the last run's watermarks forward unchanged: it saw too little to move them.
    expect(report.watermarks).toEqual(latest.watermarks);
    // It is a run about one Student, found by StudentId like every other, and so is each of its course children.
    const described = await handle.describe();
    expect([described.typedSearchAttributes.get(SyncKind), described.typedSearchAttributes.get(StudentId)]).toEqual(['grades', String(student)]);
    const history = await handle.fetchHistory();
    const children = (history.events ?? []).flatMap((event) => event.childWorkflowExecutionStartedEventAttributes?.workflowExecution ?? []);
    expect(children.length).toBeGreaterThan(0);
    for (const child of children) {
      const attributes = (await env.client.workflow.getHandle(String(child.workflowId), String(child.runId)).describe()).typedSearchAttributes;
      expect([attributes.get(SyncKind), attributes.get(StudentId)]).toEqual(['grades', String(student)]);
    }
  });

  it('`sync grades --wait` prints the report as JSON with --json, and as a summary and a table per course', async () => {
    const lines: string[] = [];
    const print = (line: string) => lines.push(line);
    await syncCommand({ what: 'grades', course: 'CS101', wait: true, json: true, client: env.client, env: {}, print });
    await syncCommand({ what: 'grades', course: 'CS101', wait: true, client: env.client, env: {}, print });
    const [json, table] = lines;
    const report = JSON.parse(json) as GradesReport & { workflowId: string; runId: string };
    expect(report).toMatchObject({ workflowId: singleSyncRuns.grades.workflowId, runId: expect.any(String) });
    const [course] = report.courses;
    expect(course).toMatchObject({ course: 'CS101', status: 'synced' });
    const skipped = Object.values(course.skipped).reduce<number>((sum, n) => sum + (n ?? 0), 0);
    const written = course.created + course.updated + course.unchanged;
    // Every CS101 grade Moodle holds was written, found unchanged, or skipped with a reason.
    expect(written + skipped).toBe(await gradedStudents('CS101'));
    // The second run finds all of them as the first left them.
    expect(table.split('\n')[0]).toBe(
      `${singleSyncRuns.grades.workflowId}: 1 course(s), 0 created, 0 updated, ${written} unchanged, ${skipped} skipped, 0 failed, 0 unmapped`,
    );
    expect(table).toMatch(new RegExp(`│ CS101\\s+│ synced\\s+│ 0\\s+│ 0\\s+│ ${written}\\s+│`));
  });

  it('submits results when configured and amends a submitted one by cancel-and-amend when its grade changes', async () => {
    await untilCompletedRunsVisible(env.client, 'syncGrades', 5);
    const submitting = mappingSchema.parse({ grades: { submitResults: true } });
    const course = (await moodle.getCoursesByField('idnumber', 'CS102')).courses[0];
    const { usergrades } = await moodle.getGradeItems(course.id);
    const target = usergrades.find((user) => user.useridnumber);
    const student = String(target?.useridnumber);
    const runFor = (id: string) =>
      env.client.workflow.execute(syncGrades, { workflowId: id, taskQueue: taskQueues.workflows, args: [{ student, course: 'CS102', settings: gradeSyncSettings(submitting) }] });

    // The draft written earlier is submitted once.
    expect((await runFor('grades:test-submit')).totals).toMatchObject({ created: 0, updated: 1 });
    const [submitted] = await erp.getList('Assessment Result', { fields: ['name', 'docstatus', 'total_score'], filters: [['student', '=', student], ['course', '=', 'CS102']] });
    expect(submitted.docstatus).toBe(1);

    const coursework = target?.gradeitems.find((item) => item.itemtype === 'mod' && item.cmid !== undefined);
    await moodleWs(moodleSandbox.url, 'core_grades_update_grades', { source: 'test', courseid: course.id, component: 'mod_assign', activityid: coursework?.cmid, itemnumber: 0, 'grades[0][studentid]': target?.userid, 'grades[0][grade]': (coursework?.graderaw ?? 50) > 50 ? 11 : 96 });
    await resetRequestCounts(erpSandbox.url);
    expect((await runFor('grades:test-amend')).totals).toMatchObject({ created: 0, updated: 1 });
    expect(erpnextWrites(await requestCounts(erpSandbox.url))).toEqual({ 'PUT Assessment Result': 1, 'POST frappe.client.insert_many': 1 });

    // amended_from is not asserted: the ERPNext sandbox's Assessment Result lacks that standard field and drops it.
    const results = await erp.getList('Assessment Result', { fields: ['name', 'docstatus', 'total_score'], filters: [['student', '=', student], ['course', '=', 'CS102']], orderBy: 'creation asc' });
    expect(results).toHaveLength(2);
    expect(results[0]).toMatchObject({ name: submitted.name, docstatus: 2 });
    expect(results[1]).toMatchObject({ docstatus: 1 });
    expect(results[1].total_score).not.toBe(submitted.total_score);
  });

  it('has its Schedules after `schedules apply`, applies idempotently, and a trigger runs the sync', async () => {
    const applied = await applySchedules(env.client, mapping);
    expect(applied).toEqual(expect.arrayContaining([
      { scheduleId: scheduleIds.grades, outcome: 'created' },
      { scheduleId: scheduleIds.attendance, outcome: 'created' },
      { scheduleId: changeFeedScheduleId, outcome: 'created' },
    ]));
    expect(applied.every((s) => s.outcome === 'created')).toBe(true);
    const changed = mappingSchema.parse({ grades: { schedule: { cron: '15 3 * * *', timezone: 'Europe/London', catchupWindow: '2h' } } });
    expect((await applySchedules(env.client, changed)).map((s) => s.outcome)).toEqual(applied.map(() => 'updated'));

    const schedule = env.client.schedule.getHandle(scheduleIds.grades);
    const described = await schedule.describe();
    expect(described.spec.timezone).toBe('Europe/London');
    expect(described.policies).toMatchObject({ overlap: 'SKIP', catchupWindow: 2 * 3600 * 1000 });
    expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: 'syncGrades', taskQueue: taskQueues.workflows });

    await schedule.trigger();
    const workflowId = await untilScheduleStarted(schedule);
    expect(workflowId).toMatch(/^grades:nightly-/);
    // The Schedule's run hands its request to the single run and finishes; the work is that run's.
    const handover = await env.client.workflow.getHandle<typeof syncGrades>(workflowId).result();
    expect(handover).toMatchObject({ courses: [], handedOverTo: { workflowId: singleSyncRuns.grades.workflowId } });
    const report = await env.client.workflow.getHandle<typeof syncGrades>(singleSyncRuns.grades.workflowId, handover.handedOverTo?.runId).result();
    expect(report.totals).toMatchObject({ created: 0, updated: 0 });
    expect(report.courses.some((c) => c.status === 'synced')).toBe(true);
  });

  it('ends CANCELLED when cancelled while courses are syncing, instead of reporting them failed', async () => {
    const slowMoodle = (latencyMs: number) =>
      fetch(`${moodleSandbox.url}/__sandbox/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ latencyMs }) });
    await slowMoodle(1_500);
    try {
      const handle = await env.client.workflow.start(syncGrades, { workflowId: 'grades:test-cancel', taskQueue: taskQueues.workflows, args: [{ settings: gradeSyncSettings(mapping) }] });
      while ((await handle.query(gradesProgressQuery)).running.length === 0) await new Promise((r) => setTimeout(r, 100));
      await handle.cancel();
      await expect(handle.result()).rejects.toThrow();
      expect((await handle.describe()).status.name).toBe('CANCELLED');
    } finally {
      await slowMoodle(0);
    }
  });
});
