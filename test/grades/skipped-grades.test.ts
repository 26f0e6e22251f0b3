import { mappingSchema } from '../../src/config/mapping-file';
import { startGradeSync } from '../../src/starters/sync-requests';
import type { GradesReport } from '../../workflows/sync-grades';
import { courseWatermarkKey } from '../../workflows/course-sync/sync-report';
import { startSyncStack, type SyncStack } from './sync-stack';
import { erpnextWrites, moodleWs, requestCounts, resetRequestCounts, untilCompletedRunsVisible } from './sandbox-helpers';

jest.setTimeout(120_000);

/*
 * Watermarks never pass a skipped grade and are kept per course and Assessment Plan: a grade
 * skipped because its student was not (yet) active in the plan's Student Group is written by the
 * first run after the student is added, and a plan submitted later receives the older grades.
 * Every run goes through the on-demand starter, as an operator's would.
 */

const mapping = mappingSchema.parse({ grades: { parallelism: 6 } });
let stack: SyncStack;
let runs = 0;
/** The last run's report: the second case starts from the state the first left. */
let latest: GradesReport;

beforeAll(async () => {
  stack = await startSyncStack(mapping);
  // The demo's grades were entered yesterday, so a grade given during the test is newer than all of them.
  for (const grade of stack.moodleSandbox.state.grades) grade.timemodified -= 86_400;
});
afterAll(async () => stack?.close());

/** One full run to the end; the next one reads its watermarks, so it waits until visibility lists it. */
async function syncNow(): Promise<GradesReport> {
  const { workflowId, runId } = await startGradeSync(stack.env.client, mapping, {});
  const report = (await stack.env.client.workflow.getHandle(workflowId, runId).result()) as GradesReport;
  await untilCompletedRunsVisible(stack.env.client, 'syncGrades', ++runs);
  latest = report;
  return report;
}

async function currentPlan(course: string): Promise<{ name: string; group: string }> {
  const [plan] = await stack.erp.getList('Assessment Plan', { fields: ['name', 'student_group'], filters: [['course', '=', course], ['docstatus', '=', 1]], orderBy: 'schedule_date desc, name desc', limitPageLength: 1 });
  return { name: String(plan.name), group: String(plan.student_group) };
}

async function setActiveInGroup(group: string, student: string, active: 0 | 1): Promise<void> {
  const doc = await stack.erp.getDoc('Student Group', group);
  const students = (doc.students as { student: string; active: number }[]).map((row) => (row.student === student ? { ...row, active } : row));
  await stack.erp.update('Student Group', group, { students, modified: doc.modified });
}

async function resultsOf(plan: string): Promise<{ student: string }[]> {
  return (await stack.erp.getList('Assessment Result', { fields: ['student'], filters: [['assessment_plan', '=', plan], ['docstatus', '!=', 2]], limitPageLength: 0 })).map((row) => ({ student: String(row.student) }));
}

/** Sets a Moodle coursework grade now, which moves the course total's `gradedategraded`. */
async function grade(courseIdnumber: string, moodleUserId: number, value: number): Promise<void> {
  const course = (await stack.moodle.getCoursesByField('idnumber', courseIdnumber)).courses[0];
  const { usergrades } = await stack.moodle.getGradeItems(course.id);
  const coursework = usergrades[0].gradeitems.find((item) => item.itemtype === 'mod' && item.cmid !== undefined);
  await moodleWs(stack.moodleSandbox.url, 'core_grades_update_grades', { source: 'test', courseid: course.id, component: 'mod_assign', activityid: coursework?.cmid, itemnumber: 0, 'grades[0][studentid]': moodleUserId, 'grades[0][grade]': value });
}

async function gradedStudents(courseIdnumber: string): Promise<{ userid: number; student: string }[]> {
  const course = (await stack.moodle.getCoursesByField('idnumber', courseIdnumber)).courses[0];
  const { usergrades } = await stack.moodle.getGradeItems(course.id);
  return usergrades
    .filter((user) => user.useridnumber && user.gradeitems.some((item) => item.itemtype === 'course' && item.graderaw !== null && item.graderaw !== undefined))
    .map((user) => ({ userid: user.userid, student: String(user.useridnumber) }));
}

describe('grade watermarks per course and plan, held at skipped grades', () => {
  it('writes a grade skipped while its student was not in the Student Group once the student is added, and nothing twice', async () => {
    const plan = await currentPlan('CS101');
    const [left, other] = await gradedStudents('CS101');
    await setActiveInGroup(plan.group, left.student, 0);

    const first = await syncNow();
    const cs101 = first.courses.find((c) => c.course === 'CS101');
    expect(cs101).toMatchObject({ plan: plan.name, skipped: { 'not-in-student-group': 1 } });
    expect(cs101?.skippedGrades).toContainEqual(expect.objectContaining({ studentId: left.student, reason: 'not-in-student-group' }));
    expect((await resultsOf(plan.name)).map((r) => r.student)).not.toContain(left.student);

    // A newer grade in the same course: the newest change is now past the skipped one, yet the watermark stays at it.
    await grade('CS101', other.userid, 91);
    await resetRequestCounts(stack.erpSandbox.url);
    const second = await syncNow();
    expect(second.courses.find((c) => c.course === 'CS101')).toMatchObject({ created: 0, updated: 1, skipped: { 'not-in-student-group': 1 } });
    expect(second.watermarks[courseWatermarkKey('CS101', plan.name)]).toBe(first.watermarks[courseWatermarkKey('CS101', plan.name)]);
    expect(erpnextWrites(await requestCounts(stack.erpSandbox.url))).toEqual({ 'PUT Assessment Result': 1 });

    await setActiveInGroup(plan.group, left.student, 1);
    await resetRequestCounts(stack.erpSandbox.url);
    const third = await syncNow();
    expect(third.courses.find((c) => c.course === 'CS101')).toMatchObject({ created: 1, updated: 0, skipped: {} });
    expect(erpnextWrites(await requestCounts(stack.erpSandbox.url))).toEqual({ 'POST frappe.client.insert_many': 1 });
    const results = await resultsOf(plan.name);
    expect(results.filter((r) => r.student === left.student)).toHaveLength(1);
    expect(new Set(results.map((r) => r.student)).size).toBe(results.length);
    expect(third.watermarks[courseWatermarkKey('CS101', plan.name)]).toBeGreaterThan(first.watermarks[courseWatermarkKey('CS101', plan.name)]);

    await resetRequestCounts(stack.erpSandbox.url);
    const fourth = await syncNow();
    expect(fourth.totals).toMatchObject({ created: 0, updated: 0, skipped: 0 });
    expect(erpnextWrites(await requestCounts(stack.erpSandbox.url))).toEqual({});
  });

  it('gives a newly submitted Assessment Plan the grades given before it, leaving the old plan’s results alone', async () => {
    // The plan the last run wrote CS102's results to.
    const old = { name: String(latest.courses.find((c) => c.course === 'CS102')?.plan) };
    const before = await resultsOf(old.name);
    expect(before.length).toBeGreaterThan(0);
    const template = await stack.erp.getDoc('Assessment Plan', old.name);
    const created = await stack.erp.insert('Assessment Plan', {
      assessment_name: 'CS102 resit',
      student_group: template.student_group,
      assessment_group: template.assessment_group,
      course: 'CS102',
      grading_scale: template.grading_scale,
      schedule_date: '2027-03-01',
      from_time: '18:00:00',
      to_time: '19:00:00',
      maximum_assessment_score: template.maximum_assessment_score,
      assessment_criteria: template.assessment_criteria,
      docstatus: 1,
    });
    const resit = String(created.name);

    await resetRequestCounts(stack.erpSandbox.url);
    const report = await syncNow();
    expect(report.courses.find((c) => c.course === 'CS102')).toMatchObject({ plan: resit, created: before.length, updated: 0 });
    expect((await resultsOf(resit)).map((r) => r.student).sort()).toEqual(before.map((r) => r.student).sort());
    expect(await resultsOf(old.name)).toHaveLength(before.length);
    expect(report.watermarks).toHaveProperty([courseWatermarkKey('CS102', old.name)]);
    expect(report.watermarks).toHaveProperty([courseWatermarkKey('CS102', resit)]);
    // The other courses wrote nothing: their plans' watermarks were already past every grade.
    expect(report.totals.created).toBe(before.length);

    await resetRequestCounts(stack.erpSandbox.url);
    expect((await syncNow()).totals).toMatchObject({ created: 0, updated: 0 });
    expect(erpnextWrites(await requestCounts(stack.erpSandbox.url))).toEqual({});
  });
});
