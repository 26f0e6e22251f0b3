import type { ErpnextActivities, StudentForMoodle } from '../../activities/erpnext';
import type { MoodleActivities } from '../../activities/moodle';
import { taskQueues } from '../../src/common/task-queues';
import { admissionChangeSignal } from '../../workflows/admission-handover';
import { onboardStudent } from '../../workflows/onboard-student';
import { workflowsOnDevServer, type Fakes } from '../support/temporal';

/**
 * Onboarding enrols and writes the Moodle user id back side by side. A Program Enrollment's
 * handover that arrives after the enrolment's last check, while the write-back still runs, is
 * taken by the running onboarding (so the enrollment's own run stops, trusting it): onboarding
 * must read for it before it completes, or the program is never enrolled.
 */
const temporal = workflowsOnDevServer();
const id = 'EDU-STU-2026-60001';
const policy = { studentRoleId: 5, withdrawal: 'suspend' as const, conflictTimeoutMs: 3_600_000 };

const student: StudentForMoodle = {
  studentId: id,
  email: 'ada.byron@students.cbu.example',
  emailDeliverable: true,
  moodleUserId: null,
  profileFingerprint: 'fingerprint',
  desired: { idnumber: id, username: 'ada.byron@students.cbu.example', firstname: 'Ada', lastname: 'Byron', email: 'ada.byron@students.cbu.example', phone1: '', address: '', city: 'York', customfields: {} },
};

it('reads for a Program Enrollment handed over while the write-back runs, and enrols it before completing', async () => {
  let submitted = false;
  let releaseWriteBack: () => void = () => undefined;
  const writeBackHeld = new Promise<void>((resolve) => (releaseWriteBack = resolve));
  const enrolled: number[][] = [];
  const erpnext: Fakes<ErpnextActivities> = {
    async erpnextGetStudentForMoodle() {
      return student;
    },
    async erpnextStudentsSharingEmail() {
      return [];
    },
    async erpnextCoursesGranted() {
      // The Program Enrollment is submitted only after the first read.
      return submitted
        ? { programs: ['BA Business'], courseIdnumbers: ['BUS101', 'BUS102'], programEnrollments: [`${id}-PE`], coveredCourses: ['BUS101', 'BUS102'] }
        : { programs: [], courseIdnumbers: [], programEnrollments: [], coveredCourses: [] };
    },
    async erpnextSetMoodleUserId() {
      await writeBackHeld;
      return { changed: true };
    },
  };
  const moodle: Fakes<MoodleActivities> = {
    async moodleFindStudentAccounts() {
      return { byIdnumber: [], byEmail: [] };
    },
    async moodleCreateStudentUser() {
      return { id: 99, created: true };
    },
    async moodleResolveCourses(idnumbers) {
      return { courses: idnumbers.map((idnumber, i) => ({ idnumber, id: 10 + i })), missing: [] };
    },
    async moodleEnrolStudent({ courseIds }) {
      enrolled.push(courseIds);
    },
  };

  const result = await temporal.withWorkers({ erpnext, moodle }, async () => {
    const handle = await temporal.client.workflow.start(onboardStudent, { workflowId: `onboard:${id}`, taskQueue: taskQueues.workflows, args: [{ studentId: id, policy }] });
    // The first (empty) enrol has completed and a workflow task has run since: its last check is past.
    await until(async () => {
      const events = (await handle.fetchHistory()).events ?? [];
      const enrolScheduled = events.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'moodleEnrolStudent')?.eventId;
      const enrolDone = events.findIndex((e) => enrolScheduled != null && String(e.activityTaskCompletedEventAttributes?.scheduledEventId) === String(enrolScheduled));
      return enrolDone >= 0 && events.slice(enrolDone).some((e) => e.workflowTaskCompletedEventAttributes);
    });
    submitted = true;
    await handle.signal(admissionChangeSignal, { programEnrollment: `${id}-PE` });
    releaseWriteBack();
    return handle.result();
  });
  expect(enrolled).toEqual([[], [10, 11]]);
  expect(result).toMatchObject({ outcome: 'created', enrolledCourses: ['BUS101', 'BUS102'], coverage: { programEnrollments: [`${id}-PE`] } });
});

async function until(done: () => Promise<boolean>): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (await done()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the condition was not reached');
}
