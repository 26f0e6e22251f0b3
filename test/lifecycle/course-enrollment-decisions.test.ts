import type { ChangeFeedReadActivities } from '../../activities/change-feed-reads';
import type { CourseEnrollmentChange, ErpnextActivities } from '../../activities/erpnext';
import type { MoodleActivities } from '../../activities/moodle';
import { taskQueues } from '../../src/common/task-queues';
import { enrollCourse } from '../../workflows/course-enrollment';
import { workflowsOnDevServer } from '../support/temporal';

/**
 * enrollCourse against in-memory activities: a Course Enrollment read while its Program
 * Enrollment is already cancelled (the registrar cancelled between the two reads; Education
 * deletes the Course Enrollments next) enrols nothing. An enrol then landed after the program's
 * withdrawal and kept the student in the cancelled program's course (429-storm chaos scenario).
 */

const temporal = workflowsOnDevServer();

const policy = { studentRoleId: 5, withdrawal: 'suspend' as const, conflictTimeoutMs: 3_600_000 };

async function runEnrollCourse(id: string, programEnrollmentStatus: 0 | 1 | 2) {
  const enrolled: number[][] = [];
  const change: CourseEnrollmentChange = { exists: true, student: id, courseIdnumber: 'NUR101', programEnrollmentStatus, programGrantsCourse: true };
  const erpnext: Partial<ErpnextActivities> = {
    async erpnextCourseEnrollmentChange() {
      return change;
    },
  };
  const moodle: Partial<MoodleActivities> = {
    async moodleFindAccountsByIdnumber(idnumber: string) {
      return [{ id: 77, username: idnumber.toLowerCase(), idnumber, email: 'x@students.cbu.example', suspended: false }];
    },
    async moodleResolveCourses(idnumbers: string[]) {
      return { courses: idnumbers.map((idnumber, i) => ({ idnumber, id: 100 + i })), missing: [] };
    },
    async moodleEnrolStudent(input) {
      enrolled.push(input.courseIds);
    },
  };
  // No onboarding runs for these students.
  const workflows: Partial<ChangeFeedReadActivities> = {
    async temporalOnboardingCoverage() {
      return { state: 'other' };
    },
  };
  const result = await temporal.withWorkers({ moodle, erpnext, workflows }, () =>
    temporal.client.workflow.execute(enrollCourse, {
      workflowId: `course-enrollment:${id}-CE:after_insert`,
      taskQueue: taskQueues.workflows,
      args: [{ courseEnrollment: `${id}-CE`, student: id, course: 'NUR101', programEnrollment: `${id}-PE`, policy }],
    }),
  );
  return { outcome: result.outcome, enrolled };
}

it('enrols nothing for a Course Enrollment whose Program Enrollment is cancelled; one of a draft still enrols, one of a submitted program is left to its run', async () => {
  expect(await runEnrollCourse('EDU-STU-2026-90001', 2)).toEqual({ outcome: 'stale-event', enrolled: [] });
  expect(await runEnrollCourse('EDU-STU-2026-90002', 0)).toEqual({ outcome: 'enrolled', enrolled: [[100]] });
  expect(await runEnrollCourse('EDU-STU-2026-90003', 1)).toEqual({ outcome: 'covered-by-program-enrollment', enrolled: [] });
});
