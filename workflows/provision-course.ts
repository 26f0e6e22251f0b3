import type { CourseRosterReport } from '../activities/moodle-roster';
import type { Offering } from '../src/mapping/roster-offerings';
import type { MassChangeLimits } from '../src/common/mass-change-breaker';
import { moodleRoster } from './provision-activities';

export interface ProvisionCourseInput {
  offering: Offering;
  /** The innermost category of the offering's chain, ensured by the parent (courses share categories, so one place creates them); null in a dry run before it exists. */
  categoryId: number | null;
  templateCourse?: string;
  /** Instructor name → Moodle user id, resolved once by the parent (so two courses never race to create one account). */
  teacherAccounts: Record<string, number>;
  teacherRoleId: number;
  studentRoleId: number;
  unenrolledStudents: 'enrol' | 'report';
  /** The mass-change breaker on this course's removals. */
  limits: MassChangeLimits;
  dryRun: boolean;
}

export interface ProvisionCourseReport {
  key: string;
  courseId: number | null;
  course: 'created' | 'updated' | 'unchanged';
  roster?: CourseRosterReport;
}

/**
 * One Moodle course shell (`course:<key>`) in its category: the course itself (adopted,
 * created or copied from the template, renamed when ERPNext renames), its teachers and its groups.
 */
export async function provisionCourse(input: ProvisionCourseInput): Promise<ProvisionCourseReport> {
  const { offering, dryRun } = input;
  const course = await moodleRoster.moodleEnsureCourse({
    key: offering.key,
    shortname: offering.shortname,
    fullname: offering.fullname,
    categoryId: input.categoryId,
    templateCourse: input.templateCourse,
    dryRun,
  });
  const report: ProvisionCourseReport = { key: offering.key, courseId: course.courseId, course: course.action };
  // A dry run of a course that does not exist yet has no roster to compare.
  if (course.courseId === null) return report;
  const accountOf = (names: string[]) => names.map((name) => input.teacherAccounts[name]).filter((id): id is number => id !== undefined);
  report.roster = await moodleRoster.moodleSyncCourseRoster({
    courseId: course.courseId,
    groups: offering.groups.map((group) => ({ name: group.name, students: group.students, teacherUserIds: accountOf(group.instructors) })),
    teacherUserIds: accountOf(offering.teachers),
    teacherRoleId: input.teacherRoleId,
    studentRoleId: input.studentRoleId,
    unenrolledStudents: input.unenrolledStudents,
    limits: input.limits,
    dryRun,
  });
  return report;
}
