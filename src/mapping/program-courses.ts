import type { Mapping } from '../config/mapping-file';

/**
 * The Moodle course idnumbers of a program: the mapping file's override when it has one,
 * otherwise the Program's own course list with each ERPNext Course name translated where the
 * mapping renames it (by default a Moodle course idnumber equals the ERPNext Course name).
 */
export function programCourseIdnumbers(program: string, programCourses: string[], mapping: Pick<Mapping, 'programs' | 'courses'>): string[] {
  const override = mapping.programs[program];
  if (override) return [...new Set(override.courses)];
  return [...new Set(programCourses.map((course) => courseIdnumber(course, mapping)))];
}

export function courseIdnumber(course: string, mapping: Pick<Mapping, 'courses'>): string {
  return mapping.courses[course] ?? course;
}
