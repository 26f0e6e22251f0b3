import type { ChangeFeedReadActivities, OnboardingCoverage } from '../../activities/change-feed-reads';
import type { CourseEnrollmentChange, ErpnextActivities, ProgramEnrollmentFacts } from '../../activities/erpnext';
import type { MoodleActivities } from '../../activities/moodle';
import { taskQueues } from '../../src/common/task-queues';
import { enrollCourse } from '../../workflows/course-enrollment';
import { enrollProgram } from '../../workflows/enroll-program';
import { workflowsOnDevServer } from '../support/temporal';

/**
 * The enrolment events of an admission that arrive after its onboarding has completed (in a
 * burst, most of them: the site delivers a Data Import's Student webhooks first). Onboarding's
 * result names what its enrolment covered; an event it covered is answered from that, with no
 * read of ERPNext or Moodle and no enrol; anything else is read as before.
 */

const temporal = workflowsOnDevServer();
const policy = { studentRoleId: 5, withdrawal: 'suspend' as const, conflictTimeoutMs: 3_600_000 };
let serial = 0;

/** Activities that record every call the runs make of ERPNext and Moodle. */
function world(coverage: OnboardingCoverage) {
  const calls: string[] = [];
  const workflows: Partial<ChangeFeedReadActivities> = {
    async temporalOnboardingCoverage() {
      return coverage;
    },
  };
  const erpnext: Partial<ErpnextActivities> = {
    async erpnextCourseEnrollmentChange(input) {
      calls.push(`erpnextCourseEnrollmentChange ${input.courseEnrollment}`);
      return { exists: true, student: input.student, courseIdnumber: 'ELEC900', programEnrollmentStatus: 1, programGrantsCourse: false } satisfies CourseEnrollmentChange;
    },
    async erpnextGetProgramEnrollment(name) {
      calls.push(`erpnextGetProgramEnrollment ${name}`);
      return { name, student: 'S', program: 'Nursing', docstatus: 1 } satisfies ProgramEnrollmentFacts;
    },
    async erpnextProgramCourseIdnumbers() {
      calls.push('erpnextProgramCourseIdnumbers');
      return ['NUR101'];
    },
  };
  const moodle: Partial<MoodleActivities> = {
    async moodleFindAccountsByIdnumber(idnumber: string) {
      calls.push('moodleFindAccountsByIdnumber');
      return [{ id: 77, username: idnumber.toLowerCase(), idnumber, email: 'x@students.cbu.example', suspended: false }];
    },
    async moodleResolveCourses(idnumbers: string[]) {
      calls.push('moodleResolveCourses');
      return { courses: idnumbers.map((idnumber, i) => ({ idnumber, id: 100 + i })), missing: [] };
    },
    async moodleEnrolStudent(input) {
      calls.push(`moodleEnrolStudent ${input.courseIds.join(',')}`);
    },
  };
  return { calls, activities: { workflows, erpnext, moodle } };
}

function courseEvent(student: string, course: string) {
  const courseEnrollment = `${student}-${course}`;
  return { workflowId: `course-enrollment:${courseEnrollment}:after_insert`, taskQueue: taskQueues.workflows, args: [{ courseEnrollment, student, course, programEnrollment: `${student}-PE`, policy }] as Parameters<typeof enrollCourse> };
}

function programEvent(student: string) {
  return { workflowId: `enroll:${student}-PE`, taskQueue: taskQueues.workflows, args: [{ programEnrollment: `${student}-PE`, student, policy }] as Parameters<typeof enrollProgram> };
}

it("answers an admission's Program and Course Enrollment events from the completed onboarding that covered them, reading nothing", async () => {
  const student = `EDU-STU-2026-7${String(++serial).padStart(4, '0')}`;
  const { calls, activities } = world({ state: 'completed', programEnrollments: [`${student}-PE`], courses: ['NUR101', 'NUR102'] });
  const [program, course] = await temporal.withWorkers(activities, () =>
    Promise.all([temporal.client.workflow.execute(enrollProgram, programEvent(student)), temporal.client.workflow.execute(enrollCourse, courseEvent(student, 'NUR102'))]),
  );
  expect(program).toMatchObject({ outcome: 'enrolled-by-onboarding', enrolledCourses: [] });
  expect(course).toMatchObject({ outcome: 'covered-by-program-enrollment' });
  expect(calls).toEqual([]);
});

it('reads and acts on what the completed onboarding did not cover: another Program Enrollment, a course outside the program', async () => {
  const student = `EDU-STU-2026-7${String(++serial).padStart(4, '0')}`;
  const { calls, activities } = world({ state: 'completed', programEnrollments: [`${student}-OTHER-PE`], courses: ['NUR101'] });
  const [program, elective] = await temporal.withWorkers(activities, () =>
    Promise.all([temporal.client.workflow.execute(enrollProgram, programEvent(student)), temporal.client.workflow.execute(enrollCourse, courseEvent(student, 'ELEC900'))]),
  );
  expect(program).toMatchObject({ outcome: 'enrolled', enrolledCourses: ['NUR101'] });
  expect(elective).toMatchObject({ outcome: 'enrolled', courseIdnumber: 'ELEC900' });
  expect(calls).toEqual(expect.arrayContaining([`erpnextGetProgramEnrollment ${student}-PE`, `erpnextCourseEnrollmentChange ${student}-ELEC900`, 'moodleEnrolStudent 100']));
});

it('an onboarding that completed before it reported coverage (or enrolled nothing) covers nothing: the event is read', async () => {
  const student = `EDU-STU-2026-7${String(++serial).padStart(4, '0')}`;
  const { calls, activities } = world({ state: 'completed', programEnrollments: [], courses: [] });
  const course = await temporal.withWorkers(activities, () => temporal.client.workflow.execute(enrollCourse, courseEvent(student, 'NUR101')));
  expect(course).toMatchObject({ outcome: 'enrolled' });
  expect(calls[0]).toBe(`erpnextCourseEnrollmentChange ${student}-NUR101`);
});
