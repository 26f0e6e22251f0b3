import { activityCall } from './activity-call';
import type { Mapping } from '../src/config/mapping-file';
import type { ErpnextClient } from '../src/erpnext/client';
import { createCourseEnrollments } from '../src/erpnext/resources/course-enrollments';
import { createProgramEnrollments, type ProgramEnrollment } from '../src/erpnext/resources/program-enrollments';
import { createPrograms } from '../src/erpnext/resources/programs';
import { createStudents, moodleUserIdField } from '../src/erpnext/resources/students';
import { sameEmail } from '../src/mapping/moodle-account';
import { desiredMoodleUser, isPlaceholderEmail, type DesiredMoodleUser } from '../src/mapping/moodle-user';
import { courseIdnumber, programCourseIdnumbers } from '../src/mapping/program-courses';
import { studentProfileFields, studentProfileFingerprint } from '../src/webhooks/student-profile';
import { createErpnextBurst } from './burst/erpnext-burst';
import { ExpiringCache } from './expiring-cache';
import { withFailureMapping } from './failure';

/** A Student as the lifecycle workflows need it: identity, link and the Moodle user it should have. */
export interface StudentForMoodle {
  studentId: string;
  email: string;
  /** False for a placeholder address: no account is created for it and it is never pushed. */
  emailDeliverable: boolean;
  /** The Moodle user id written back by onboarding, when there is one. */
  moodleUserId: number | null;
  desired: DesiredMoodleUser;
  /** Of the fields Moodle mirrors (src/webhooks/student-profile.ts): a Student save that leaves it unchanged has nothing to sync. */
  profileFingerprint: string;
}

export type ProgramEnrollmentFacts = Pick<ProgramEnrollment, 'name' | 'student' | 'program' | 'docstatus'>;

/** A Course Enrollment handed to onboarding by its webhook's workflow (workflows/admission-handover.ts). */
export interface HandedCourseEnrollment {
  courseEnrollment: string;
  course: string;
}

export interface CoursesGranted {
  programs: string[];
  /** Every course idnumber to enrol: the programs' and those of handed Course Enrollments they do not cover. */
  courseIdnumbers: string[];
  /**
   * What this read already covers, so a handover arriving after it needs no second read: the
   * submitted Program Enrollments it saw, and the ERPNext Courses of their Programs' own lists
   * (a Course Enrollment of one adds nothing). Absent in results recorded before onboarding read early.
   */
  programEnrollments?: string[];
  coveredCourses?: string[];
}

/**
 * A Program's course list changes when the curriculum is edited, not between two admissions;
 * every admission and Course Enrollment of a program asks for it, so it is kept a minute.
 */
const programCoursesTtlMs = 60_000;

export interface CourseEnrollmentChange {
  exists: boolean;
  student: string;
  courseIdnumber: string;
  /** docstatus of the Course Enrollment's Program Enrollment. */
  programEnrollmentStatus: 0 | 1 | 2;
  programGrantsCourse: boolean;
}

/** ERPNext reads and the one write (the Moodle user id) of the student lifecycle. */
export function createErpnextActivities(erp: ErpnextClient, mapping: Mapping) {
  const students = createStudents(erp);
  const programEnrollments = createProgramEnrollments(erp);
  const programs = createPrograms(erp);
  const courseEnrollments = createCourseEnrollments(erp);
  const profileFields = studentProfileFields(Object.keys(mapping.customFields));

  const programCourseNames = new ExpiringCache<string, string[]>(programCoursesTtlMs);
  // In a burst, concurrent admissions' write-backs and Course Enrollment reads are gathered (docs/burst.md).
  const burst = createErpnextBurst(erp);

  /** The programs' course idnumbers, and the ERPNext Courses of the own lists read (none for an override). */
  async function programsCoursesRead(names: string[]): Promise<{ idnumbers: string[]; ownCourses: string[] }> {
    const idnumbers = new Set<string>();
    const ownCourses = new Set<string>();
    for (const name of names) {
      // A mapping override replaces the Program's own list, so that list is not even read.
      const own = mapping.programs[name] ? [] : ((await programCourseNames.get(name, () => programs.courses(name))) ?? []);
      own.forEach((course) => ownCourses.add(course));
      for (const idnumber of programCourseIdnumbers(name, own, mapping)) idnumbers.add(idnumber);
    }
    return { idnumbers: [...idnumbers], ownCourses: [...ownCourses] };
  }

  async function programsCourses(names: string[]): Promise<string[]> {
    return (await programsCoursesRead(names)).idnumbers;
  }

  return withFailureMapping({
    /** Re-reads a Student (DocType `Student`) and maps it onto the Moodle user it owns. */
    async erpnextGetStudentForMoodle(studentId: string): Promise<StudentForMoodle> {
      const student = await students.get(studentId);
      return {
        studentId: student.name,
        email: student.student_email_id.trim(),
        emailDeliverable: !isPlaceholderEmail(student.student_email_id),
        moodleUserId: student[moodleUserIdField.fieldname] || null,
        desired: desiredMoodleUser(student, mapping),
        profileFingerprint: studentProfileFingerprint(student, profileFields),
      };
    },

    /** Other Students whose email differs from this one's only by case (the unique index catches exact duplicates only). */
    async erpnextStudentsSharingEmail(input: { studentId: string; email: string }): Promise<string[]> {
      const rows = await students.listWithEmailLike(input.email, input.studentId);
      return rows.filter((row) => sameEmail(row.student_email_id, input.email)).map((row) => row.name);
    },

    /**
     * Writes the Moodle user id onto the Student (`Student.custom_moodle_user_id`); no write when it
     * is already there. `current` is the value the caller read moments ago (onboarding's one
     * read of the Student), so the Student is not read again; absent, it is read here. Alone it is
     * one PUT; with others waiting, one `frappe.client.bulk_update` for all (burst/erpnext-burst.ts).
     */
    async erpnextSetMoodleUserId(input: { studentId: string; moodleUserId: number; current?: number | null }): Promise<{ changed: boolean }> {
      const current = input.current !== undefined ? input.current : (await students.get(input.studentId))[moodleUserIdField.fieldname];
      if (current === input.moodleUserId) return { changed: false };
      await burst.writeMoodleUserId({ student: input.studentId, moodleUserId: input.moodleUserId }, activityCall().signal);
      return { changed: true };
    },

    /** Re-reads a Program Enrollment (DocType `Program Enrollment`); in a burst, with the others waiting (burst/erpnext-burst.ts). */
    async erpnextGetProgramEnrollment(name: string): Promise<ProgramEnrollmentFacts> {
      const doc = await burst.getProgramEnrollment(name);
      return { name: doc.name, student: doc.student, program: doc.program, docstatus: doc.docstatus };
    },

    /** Moodle course idnumbers of Programs (DocType `Program`, child table Program Course), after the mapping's overrides. */
    async erpnextProgramCourseIdnumbers(names: string[]): Promise<string[]> {
      return programsCourses(names);
    },

    /**
     * What the student's submitted Program Enrollments grant (and their Programs), optionally
     * leaving one enrollment out. Handed Course Enrollments whose course no program grants are
     * read (they may be gone, or another student's) and their courses added where they stand:
     * all in one list read. An attempt so makes one read of the enrollments, one per Program not
     * read in the last minute and one of these, however many were handed: under a small rate limit
     * a read per Course Enrollment had every attempt refused part-way, and the run never ended.
     */
    async erpnextCoursesGranted(input: { studentId: string; exceptProgramEnrollment?: string; courseEnrollments?: HandedCourseEnrollment[] }): Promise<CoursesGranted> {
      const enrollments = (await programEnrollments.listSubmitted(input.studentId)).filter((pe) => pe.name !== input.exceptProgramEnrollment);
      const granting = [...new Set(enrollments.map((pe) => pe.program))];
      const read = await programsCoursesRead(granting);
      const idnumbers = new Set(read.idnumbers);
      const uncovered = (input.courseEnrollments ?? []).filter((handed) => !idnumbers.has(courseIdnumber(handed.course, mapping)));
      for (const doc of await courseEnrollments.findAll(uncovered.map((handed) => handed.courseEnrollment))) {
        if (doc.student === input.studentId) idnumbers.add(courseIdnumber(doc.course, mapping));
      }
      return { programs: granting, courseIdnumbers: [...idnumbers], programEnrollments: enrollments.map((pe) => pe.name), coveredCourses: read.ownCourses };
    },

    /**
     * Re-reads a Course Enrollment and its Program Enrollment. For on_trash the document is gone,
     * so the webhook's links are used once its absence is confirmed. `programGrantsCourse` tells
     * whether the Program Enrollment's program includes the course, i.e. whether submitting or
     * cancelling that enrollment made this change.
     */
    async erpnextCourseEnrollmentChange(input: { courseEnrollment: string; student: string; course: string; programEnrollment: string }): Promise<CourseEnrollmentChange> {
      // In a burst, every waiting event's two reads go as one list each (burst/erpnext-burst.ts).
      const doc = await burst.findCourseEnrollment(input.courseEnrollment);
      const idnumber = courseIdnumber(doc?.course ?? input.course, mapping);
      const pe = await burst.getProgramEnrollment(doc?.program_enrollment ?? input.programEnrollment);
      return {
        exists: doc !== undefined,
        student: doc?.student ?? input.student,
        courseIdnumber: idnumber,
        programEnrollmentStatus: pe.docstatus,
        programGrantsCourse: (await programsCourses([pe.program])).includes(idnumber),
      };
    },
  });
}

export type ErpnextActivities = ReturnType<typeof createErpnextActivities>;
