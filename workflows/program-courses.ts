import { erpnext, moodle } from './lifecycle-activities';

/** The Moodle courses a student's programs put them in, found by course idnumber. */
export interface ProgramCourses {
  courses: { idnumber: string; id: number }[];
  /** Course idnumbers with no Moodle counterpart: reported, never fatal. */
  missing: string[];
}

export async function resolveCourses(idnumbers: string[]): Promise<ProgramCourses> {
  if (idnumbers.length === 0) return { courses: [], missing: [] };
  return moodle.moodleResolveCourses(idnumbers);
}

export async function resolveProgramCourses(program: string): Promise<ProgramCourses> {
  return resolveCourses(await erpnext.erpnextProgramCourseIdnumbers([program]));
}
