/**
 * Which Moodle courses take part in a sync, and under which ERPNext Course name. Pure; used by the
 * grade and attendance workflows alike.
 */

export interface MoodleCourseRef {
  id: number;
  idnumber: string;
  shortname: string;
  /** Moodle's front page is a course too (`format: "site"`); it is never synced. */
  format?: string;
}

export interface MappedCourse {
  moodleCourseId: number;
  /** Moodle course idnumber: the key reports and watermarks use. */
  moodleIdnumber: string;
  /** ERPNext Course name. */
  erpnextCourse: string;
}

export interface UnmappedCourse {
  course: string;
  reason: string;
}

/**
 * ERPNext Course name for a Moodle course idnumber: the mapping file lists Course → idnumber where
 * the two differ; otherwise they are equal by convention.
 */
export function erpnextCourseOf(moodleIdnumber: string, courseMap: Readonly<Record<string, string>>): string {
  const entry = Object.entries(courseMap).find(([, idnumber]) => idnumber === moodleIdnumber);
  return entry ? entry[0] : moodleIdnumber;
}

/**
 * Splits Moodle's course list into syncable courses and reportable gaps. `only` restricts the run
 * to one course (a Moodle idnumber or the ERPNext Course name); asking for a course Moodle does not
 * have is reported, not silently ignored.
 */
export function selectCourses(
  courses: readonly MoodleCourseRef[],
  courseMap: Readonly<Record<string, string>>,
  only?: string,
): { mapped: MappedCourse[]; unmapped: UnmappedCourse[] } {
  const mapped: MappedCourse[] = [];
  const unmapped: UnmappedCourse[] = [];
  for (const course of courses) {
    if (course.format === 'site') continue;
    const idnumber = course.idnumber.trim();
    if (idnumber === '') {
      if (only === undefined) unmapped.push({ course: course.shortname, reason: 'Moodle course has no idnumber, so no ERPNext Course can be matched' });
      continue;
    }
    const erpnextCourse = erpnextCourseOf(idnumber, courseMap);
    if (only !== undefined && only !== idnumber && only !== erpnextCourse) continue;
    mapped.push({ moodleCourseId: course.id, moodleIdnumber: idnumber, erpnextCourse });
  }
  if (only !== undefined && mapped.length === 0) unmapped.push({ course: only, reason: 'no Moodle course has this idnumber' });
  return { mapped, unmapped };
}
