// Every workflow the worker registers. Other processes add their exports here.
export { onboardStudent } from './onboard-student';
export { enrollProgram } from './enroll-program';
export { withdrawProgram } from './withdraw-program';
export { enrollCourse, withdrawCourse } from './course-enrollment';
export { syncProfile } from './sync-profile';
export { syncGrades } from './sync-grades';
export { syncCourseGrades } from './sync-course-grades';
export { syncAttendance } from './sync-attendance';
export { syncCourseAttendance } from './sync-course-attendance';
export { invoiceElective } from './invoice-elective';
export { pollPaidEnrolments } from './poll-paid-enrolments';
export { reconcile } from './reconcile';
export { changeFeed } from './change-feed';
export { backfill } from './backfill';
export { backfillBatch } from './backfill-batch';
export { provisionAll } from './provision-all';
export { provisionCourse } from './provision-course';
