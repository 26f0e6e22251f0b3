// Every workflow the worker registers. Other processes add their exports here.
export { onboardStudent } from './onboard-student';
export { enrollProgram } from './enroll-program';
export { withdrawProgram } from './withdraw-program';
export { enrollCourse, withdrawCourse } from './course-enrollment';
export { syncProfile } from './sync-profile';
