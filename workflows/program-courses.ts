import { erpnext, moodle } from './lifecycle-activities';

/** The Moodle courses a student's programs put them in, found by course idnumber. */
export interface ProgramCourses {
  courses: { idnumber: string; id: number }[];
  /** Course idnumbers with no Moodle counterpart: reported, never fatal. */
  missing: string[];
}

export async function resolveProgramCourses(programs: string[]): Promise<ProgramCourses> {
  const idnumbers = new Set<string>();
  for (const program of [...new Set(programs)]) {
    for (const idnumber of await erpnext.erpnextProgramCourseIdnumbers(program)) idnumbers.add(idnumber);
  }
  if (idnumbers.size === 0) return { courses: [], missing: [] };
  return moodle.moodleResolveCourses([...idnumbers]);
}

/**
 * Course idnumbers the student keeps through other submitted Program Enrollments, so that
 * withdrawing one enrollment never removes a course another still grants.
 */
export async function coursesStillGranted(student: string, exceptProgramEnrollment?: string): Promise<Set<string>> {
  const others = (await erpnext.erpnextSubmittedProgramEnrollments(student)).filter((pe) => pe.name !== exceptProgramEnrollment);
  const granted = new Set<string>();
  for (const program of new Set(others.map((pe) => pe.program))) {
    for (const idnumber of await erpnext.erpnextProgramCourseIdnumbers(program)) granted.add(idnumber);
  }
  return granted;
}
