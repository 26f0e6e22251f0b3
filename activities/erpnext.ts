import { z } from 'zod';
import type { Mapping } from '../src/config/mapping-file';
import type { ErpnextClient } from '../src/erpnext/client';
import { desiredMoodleUser, isPlaceholderEmail, studentFields, type DesiredMoodleUser } from '../src/mapping/moodle-user';
import { courseIdnumber, programCourseIdnumbers } from '../src/mapping/program-courses';
import { moodleUserIdField } from '../src/mapping/student-link';
import { sameEmail } from '../src/mapping/moodle-account';
import { withFailureMapping } from './failure';
import { createErpnextGradeActivities } from './erpnext-grades';
import { createErpnextAttendanceActivities } from './erpnext-attendance';

/** A Student as the lifecycle workflows need it: identity, link and the Moodle user it should have. */
export interface StudentForMoodle {
  studentId: string;
  email: string;
  /** False for a placeholder address: no account is created for it and it is never pushed. */
  emailDeliverable: boolean;
  /** The Moodle user id written back by onboarding, when there is one. */
  moodleUserId: number | null;
  desired: DesiredMoodleUser & { auth: string };
}

export interface ProgramEnrollmentFacts {
  name: string;
  student: string;
  program: string;
  /** 0 draft, 1 submitted, 2 cancelled. */
  docstatus: 0 | 1 | 2;
}

const linkedStudent = studentFields.extend({
  [moodleUserIdField.fieldname]: z.coerce.number().int().nullish(),
});
const docstatus = z.union([z.literal(0), z.literal(1), z.literal(2)]);
const programEnrollment = z.looseObject({ name: z.string(), student: z.string(), program: z.string(), docstatus });
const program = z.looseObject({ name: z.string(), courses: z.array(z.looseObject({ course: z.string() })).default([]) });
const courseEnrollment = z.looseObject({ name: z.string(), student: z.string(), course: z.string(), program_enrollment: z.string().nullish() });
const emailRow = z.looseObject({ name: z.string(), student_email_id: z.string() });

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
  async function programsCourses(programs: string[]): Promise<string[]> {
    const idnumbers = new Set<string>();
    for (const name of programs) {
      const own = mapping.programs[name] ? [] : program.parse(await erp.getDoc('Program', name)).courses.map((row) => row.course);
      for (const idnumber of programCourseIdnumbers(name, own, mapping)) idnumbers.add(idnumber);
    }
    return [...idnumbers];
  }

  return withFailureMapping({
    ...createErpnextGradeActivities(erp),
    ...createErpnextAttendanceActivities(erp),
    /** Re-reads a Student (DocType `Student`) and maps it onto the Moodle user it owns. */
    async erpnextGetStudentForMoodle(studentId: string): Promise<StudentForMoodle> {
      const student = linkedStudent.parse(await erp.getDoc('Student', studentId));
      return {
        studentId: student.name,
        email: student.student_email_id.trim(),
        emailDeliverable: !isPlaceholderEmail(student.student_email_id),
        moodleUserId: student[moodleUserIdField.fieldname] || null,
        desired: { ...desiredMoodleUser(student, mapping), auth: mapping.moodle.auth },
      };
    },

    /**
     * Other Students whose email differs from this one's only by case (DocType `Student`; the
     * unique index catches exact duplicates only). Frappe's `like` is case-insensitive on MariaDB;
     * the exact filter here makes the answer the same on any database.
     */
    async erpnextStudentsSharingEmail(input: { studentId: string; email: string }): Promise<string[]> {
      const rows = z.array(emailRow).parse(
        await erp.getList('Student', {
          fields: ['name', 'student_email_id'],
          filters: [['student_email_id', 'like', input.email.replace(/[%_]/g, '\\$&')], ['name', '!=', input.studentId]],
          limitPageLength: 20,
        }),
      );
      return rows.filter((row) => sameEmail(row.student_email_id, input.email)).map((row) => row.name);
    },

    /** Writes the Moodle user id onto the Student (`Student.custom_moodle_user_id`); no write when it is already there. */
    async erpnextSetMoodleUserId(input: { studentId: string; moodleUserId: number }): Promise<{ changed: boolean }> {
      const student = linkedStudent.parse(await erp.getDoc('Student', input.studentId));
      if (student[moodleUserIdField.fieldname] === input.moodleUserId) return { changed: false };
      await erp.update('Student', input.studentId, { [moodleUserIdField.fieldname]: input.moodleUserId });
      return { changed: true };
    },

    /** Re-reads a Program Enrollment (DocType `Program Enrollment`). */
    async erpnextGetProgramEnrollment(name: string): Promise<ProgramEnrollmentFacts> {
      const doc = programEnrollment.parse(await erp.getDoc('Program Enrollment', name));
      return { name: doc.name, student: doc.student, program: doc.program, docstatus: doc.docstatus };
    },

    /** Moodle course idnumbers of Programs (DocType `Program`, child table Program Course), after the mapping's overrides. */
    async erpnextProgramCourseIdnumbers(programs: string[]): Promise<string[]> {
      return programsCourses(programs);
    },

    /**
     * What the student's submitted Program Enrollments grant (DocType `Program Enrollment`,
     * docstatus 1, and their Programs), optionally leaving one enrollment out.
     */
    async erpnextCoursesGranted(input: { studentId: string; exceptProgramEnrollment?: string }): Promise<{ programs: string[]; courseIdnumbers: string[] }> {
      const enrollments = z.array(programEnrollment).parse(
        await erp.getList('Program Enrollment', {
          fields: ['name', 'student', 'program', 'docstatus'],
          filters: [['student', '=', input.studentId], ['docstatus', '=', 1]],
          orderBy: 'creation asc',
          limitPageLength: 0,
        }),
      );
      const programs = [...new Set(enrollments.filter((pe) => pe.name !== input.exceptProgramEnrollment).map((pe) => pe.program))];
      return { programs, courseIdnumbers: await programsCourses(programs) };
    },

    /**
     * Re-reads a Course Enrollment (DocType `Course Enrollment`) and its Program Enrollment. For
     * on_trash the document is gone, so the webhook's links are used once its absence is confirmed.
     * `programGrantsCourse` tells whether the Program Enrollment's program includes the course,
     * i.e. whether submitting or cancelling that enrollment made this change.
     */
    async erpnextCourseEnrollmentChange(input: { courseEnrollment: string; student: string; course: string; programEnrollment: string }): Promise<CourseEnrollmentChange> {
      // A list rather than a get: a deleted document is an empty answer, not an error to tell apart.
      const [doc] = z.array(courseEnrollment).parse(
        await erp.getList('Course Enrollment', { fields: ['name', 'student', 'course', 'program_enrollment'], filters: [['name', '=', input.courseEnrollment]], limitPageLength: 1 }),
      );
      const idnumber = courseIdnumber(doc?.course ?? input.course, mapping);
      const pe = programEnrollment.parse(await erp.getDoc('Program Enrollment', doc?.program_enrollment ?? input.programEnrollment));
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
