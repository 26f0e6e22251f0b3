import { z } from 'zod';
import type { Mapping } from '../config/mapping-file';
import type { ErpnextClient } from '../erpnext/client';
import { studentSchema, moodleUserIdField } from '../erpnext/resources/students';
import { createPrograms } from '../erpnext/resources/programs';
import { currentMoodleProfile } from '../mapping/moodle-account';
import { desiredMoodleUser, type DesiredMoodleUser } from '../mapping/moodle-user';
import type { CurrentMoodleProfile } from '../mapping/profile-changes';
import { programCourseIdnumbers } from '../mapping/program-courses';
import type { MoodleClient } from '../moodle/client';

/*
 * Read-only pictures of each system, small plain JSON, for the doctor's data audit and the
 * reconcile comparison. One list read per DocType and one roster read per Moodle course: the
 * whole institution, not paged, which is fine into the tens of thousands of rows (a Temporal
 * payload holds about 2 MB; a 10,000-student snapshot is about a quarter of that).
 */

export interface ErpnextStudentRow {
  name: string;
  email: string;
  /** 0 when onboarding has not written it. */
  moodleUserId: number;
  /** What the student's Moodle account should hold (the mapping applied). */
  desired: DesiredMoodleUser;
}

export interface ErpnextSnapshot {
  students: ErpnextStudentRow[];
  /** Submitted Program Enrollments. */
  enrollments: { name: string; student: string; program: string }[];
  /** Program → the Moodle course idnumbers it enrols (mapping applied). */
  programCourses: Record<string, string[]>;
  /** ERPNext Courses: name and title, for the naming audit. */
  courses: { name: string; title: string }[];
  /** Assessment Results (not cancelled) per ERPNext Course. */
  resultsByCourse: Record<string, number>;
}

export interface MoodleUserRow {
  id: number;
  username: string;
  idnumber: string;
  email: string;
  suspended: boolean;
  profile: CurrentMoodleProfile;
}

export interface MoodleCourseRow {
  id: number;
  idnumber: string;
  shortname: string;
  fullname: string;
}

export interface MoodleSnapshot {
  users: MoodleUserRow[];
  courses: MoodleCourseRow[];
  /** Course idnumber → user ids with an active / a suspended enrolment. */
  rosters: Record<string, { active: number[]; suspended: number[] }>;
  /** Course idnumber → users with a course total (grades that a sync would carry). */
  gradedByCourse: Record<string, number>;
}

export async function erpnextSnapshot(erp: ErpnextClient, mapping: Mapping): Promise<ErpnextSnapshot> {
  const students: ErpnextStudentRow[] = [];
  for await (const row of erp.iterate('Student', { fields: ['*'], schema: studentSchema })) {
    students.push({ name: row.name, email: row.student_email_id, moodleUserId: Number(row[moodleUserIdField.fieldname] ?? 0), desired: desiredMoodleUser(row, mapping) });
  }
  const enrollmentRow = z.object({ name: z.string(), student: z.string(), program: z.string() });
  const enrollments = await erp.getList('Program Enrollment', { fields: ['name', 'student', 'program'], schema: enrollmentRow, filters: [['docstatus', '=', 1]], orderBy: 'creation asc', limitPageLength: 0 });
  const programs = createPrograms(erp);
  const programCourses: Record<string, string[]> = {};
  for (const program of new Set(enrollments.map((e) => e.program))) {
    programCourses[program] = programCourseIdnumbers(program, await programs.courses(program), mapping);
  }
  const courseRow = z.object({ name: z.string(), description: z.string().nullish() });
  const courses = (await erp.getList('Course', { fields: ['name', 'description'], schema: courseRow, limitPageLength: 0 })).map((c) => ({ name: c.name, title: c.description ?? '' }));
  const resultRow = z.object({ course: z.string().nullish() });
  const resultsByCourse: Record<string, number> = {};
  for (const result of await erp.getList('Assessment Result', { fields: ['course'], schema: resultRow, filters: [['docstatus', '!=', 2]], limitPageLength: 0 })) {
    if (result.course) resultsByCourse[result.course] = (resultsByCourse[result.course] ?? 0) + 1;
  }
  return { students, enrollments, programCourses, courses, resultsByCourse };
}

export async function moodleSnapshot(moodle: MoodleClient): Promise<MoodleSnapshot> {
  // `%` is a wildcard in get_users' email LIKE (044, 047): every account with an address.
  const { users } = await moodle.getUsers([{ key: 'email', value: '%' }]);
  const courses = (await moodle.getCoursesByField()).courses
    .filter((course) => course.format !== 'site')
    .map((course) => ({ id: course.id, idnumber: course.idnumber ?? '', shortname: course.shortname, fullname: course.fullname }));
  const rosters: MoodleSnapshot['rosters'] = {};
  const gradedByCourse: Record<string, number> = {};
  for (const course of courses.filter((c) => c.idnumber !== '')) {
    const all = await moodle.getEnrolledUsers(course.id);
    const active = new Set((await moodle.getEnrolledUsers(course.id, { onlyactive: true })).map((u) => u.id));
    rosters[course.idnumber] = { active: [...active], suspended: all.map((u) => u.id).filter((id) => !active.has(id)) };
    const { usergrades } = await moodle.getGradeItems(course.id, 0);
    gradedByCourse[course.idnumber] = usergrades.filter((u) => u.gradeitems.some((item) => item.itemtype === 'course' && item.graderaw !== null && item.graderaw !== undefined)).length;
  }
  return {
    users: users
      .filter((u) => u.username !== 'guest')
      .map((u) => ({ id: u.id, username: u.username ?? '', idnumber: u.idnumber ?? '', email: u.email ?? '', suspended: u.suspended ?? false, profile: currentMoodleProfile(u) })),
    courses,
    rosters,
    gradedByCourse,
  };
}
