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

  async function programsCourses(names: string[]): Promise<string[]> {
    const idnumbers = new Set<string>();
    for (const name of names) {
      // A mapping override replaces the Program's own list, so that list is not even read.
      const own = mapping.programs[name] ? [] : await programs.courses(name);
      for (const idnumber of programCourseIdnumbers(name, own, mapping)) idnumbers.add(idnumber);
    }
    return [...idnumbers];
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

    /** Writes the Moodle user id onto the Student (`Student.custom_moodle_user_id`); no write when it is already there. */
    async erpnextSetMoodleUserId(input: { studentId: string; moodleUserId: number }): Promise<{ changed: boolean }> {
      const student = await students.get(input.studentId);
      if (student[moodleUserIdField.fieldname] === input.moodleUserId) return { changed: false };
      await students.setMoodleUserId(input.studentId, input.moodleUserId);
      return { changed: true };
    },

    /** Re-reads a Program Enrollment (DocType `Program Enrollment`). */
    async erpnextGetProgramEnrollment(name: string): Promise<ProgramEnrollmentFacts> {
      const doc = await programEnrollments.get(name);
      return { name: doc.name, student: doc.student, program: doc.program, docstatus: doc.docstatus };
    },

    /** Moodle course idnumbers of Programs (DocType `Program`, child table Program Course), after the mapping's overrides. */
    async erpnextProgramCourseIdnumbers(names: string[]): Promise<string[]> {
      return programsCourses(names);
    },

    /**
     * What the student's submitted Program Enrollments grant (and their Programs), optionally
     * leaving one enrollment out.
     */
    async erpnextCoursesGranted(input: { studentId: string; exceptProgramEnrollment?: string }): Promise<{ programs: string[]; courseIdnumbers: string[] }> {
      const enrollments = await programEnrollments.listSubmitted(input.studentId);
      const granting = [...new Set(enrollments.filter((pe) => pe.name !== input.exceptProgramEnrollment).map((pe) => pe.program))];
      return { programs: granting, courseIdnumbers: await programsCourses(granting) };
    },

    /**
     * Re-reads a Course Enrollment and its Program Enrollment. For on_trash the document is gone,
     * so the webhook's links are used once its absence is confirmed. `programGrantsCourse` tells
     * whether the Program Enrollment's program includes the course, i.e. whether submitting or
     * cancelling that enrollment made this change.
     */
    async erpnextCourseEnrollmentChange(input: { courseEnrollment: string; student: string; course: string; programEnrollment: string }): Promise<CourseEnrollmentChange> {
      const doc = await courseEnrollments.find(input.courseEnrollment);
      const idnumber = courseIdnumber(doc?.course ?? input.course, mapping);
      const pe = await programEnrollments.get(doc?.program_enrollment ?? input.programEnrollment);
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
