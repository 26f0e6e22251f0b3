import { MockActivityEnvironment } from '@temporalio/testing';
import { createErpnextActivities, type CoursesGranted, type ErpnextActivities } from '../../activities/erpnext';
import { loadMapping } from '../../src/config/mapping-file';
import { createErpnextClient, type ErpnextClient } from '../../src/erpnext/client';
import { startErpnextSandbox, type ErpnextSandbox } from '../../sandboxes/erpnext';
import { demoStudents } from '../../sandboxes/demo-data';

/**
 * erpnextCoursesGranted reads handed Course Enrollments in one list request, however many were
 * handed: under a per-second rate limit, one read each made every attempt of a run handed a whole
 * program's Course Enrollments refused part-way (the 429-storm chaos scenario never ended).
 */
let sandbox: ErpnextSandbox;
let erp: ErpnextClient;
let activities: ErpnextActivities;

beforeAll(async () => {
  sandbox = await startErpnextSandbox({ seed: 'demo' });
  erp = createErpnextClient({ url: sandbox.url, apiKey: 'dev-key', apiSecret: 'dev-secret' });
  activities = createErpnextActivities(erp, loadMapping(undefined));
});
afterAll(() => sandbox.close());

/** The student's submitted Program Enrollment (the demo seed admits every student) and its Course Enrollments. */
const submittedEnrollment = async (student: (typeof demoStudents)[number]) => {
  const [pe] = await erp.getList('Program Enrollment', { fields: ['name'], filters: { student: student.name, docstatus: 1 }, limitPageLength: 0 });
  const courseEnrollments = await erp.getList('Course Enrollment', { fields: ['name', 'course'], filters: { program_enrollment: pe.name }, limitPageLength: 0 });
  return { pe: { name: String(pe.name) }, courseEnrollments: courseEnrollments.map((ce) => ({ courseEnrollment: String(ce.name), course: String(ce.course) })) };
};

it('looks up every handed Course Enrollment in one request, counting only those that stand and are the student’s', async () => {
  // Two students of one program: the other's Course Enrollment of a course names that course too.
  const [student, other] = [demoStudents[41], demoStudents[44]];
  expect(other.program).toBe(student.program);
  const own = await submittedEnrollment(student);
  const others = await submittedEnrollment(other);
  const [notHanded, ...handed] = own.courseEnrollments;
  expect(handed.length).toBeGreaterThan(1);
  const otherStudents = others.courseEnrollments.find((ce) => ce.course === notHanded.course);
  const gone = { courseEnrollment: 'EDU-ENR-2026-99999', course: notHanded.course };
  const run = new MockActivityEnvironment();
  const programCourses: string[] = await run.run(activities.erpnextProgramCourseIdnumbers, [student.program]);
  const alone: CoursesGranted = await run.run(activities.erpnextCoursesGranted, { studentId: student.name, exceptProgramEnrollment: own.pe.name, courseEnrollments: [notHanded] });
  const notHandedIdnumber = alone.courseIdnumbers;
  expect(notHandedIdnumber).toHaveLength(1);

  sandbox.state.requestCounts.clear();
  // The student's own enrollment left out, as a withdrawal of it asks: only the handed rows can grant.
  const granted: CoursesGranted = await run.run(activities.erpnextCoursesGranted, {
    studentId: student.name,
    exceptProgramEnrollment: own.pe.name,
    courseEnrollments: [...handed, otherStudents!, gone],
  });

  expect(granted.courseIdnumbers.sort()).toEqual(programCourses.filter((idnumber) => idnumber !== notHandedIdnumber[0]).sort());
  expect(Object.fromEntries(sandbox.state.requestCounts)).toEqual({ 'GET Program Enrollment': 1, 'GET Course Enrollment': 1 });
});
