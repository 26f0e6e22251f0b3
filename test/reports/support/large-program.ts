import { demoAcademicTerm, demoAcademicYear, demoAssessmentCriteria, demoAssessmentGroup, demoGradingScale, programOf } from '../../../sandboxes/demo-data';
import { demoTermNow } from '../../../sandboxes/demo-term-activity';
import type { Site } from '../../../sandboxes/erpnext/site';
import { newName } from '../../../sandboxes/erpnext/naming';
import { str, type Doc } from '../../../sandboxes/erpnext/store';
import { addGradedModule } from '../../../sandboxes/moodle/gradebook';
import { newUser, nextId, type MoodleState } from '../../../sandboxes/moodle/state';

/*
 * A large cohort in one demo Program, written straight into both sandboxes' in-memory state (the
 * way the seeds and demo-term-activity.ts write), so a report of thousands of students can be
 * measured without thousands of set-up requests. Per student: a Student and a submitted Program
 * Enrollment with its Course Enrollments (copies of the first, see copyOf), a Moodle account (idnumber = Student)
 * enrolled in the program's Moodle courses with a last access some days back. Every fourth student
 * also has a coursework grade in Moodle, a synced Assessment Result and two weeks of attendance
 * per course; every tenth has completed the course. Deterministic: the same size seeds the same rows.
 */

const day = 86_400;
const nowSeconds = Math.floor(demoTermNow.getTime() / 1000);
/** Two class dates of the term (Mondays, not holidays of the demo list). */
const classDates = ['2026-10-05', '2026-10-12'];

export interface LargeProgram {
  program: string;
  /** The cohort's Student names, in insertion order. */
  students: string[];
}

const withGrade = (index: number) => index % 4 === 0;
const completedCourse = (index: number) => index % 10 === 0;

/** Students per class group: a course's cohort meets in groups of this size, as real timetables split them. */
const groupSize = 50;

/**
 * Copies of `template` (a document the site itself inserted, so every field is shaped as it makes
 * them) with `fields` changed, named by the DocType's own rule and written to the store. This skips
 * the controllers on purpose: Program Enrollment's duplicate check clones every enrollment per
 * insert, which makes thousands of inserts quadratic; what those controllers add (the Course
 * Enrollments) is copied the same way from the template's own. Nothing else an on_submit makes
 * (fee records) is copied: reports do not read it.
 */
function copyOf(site: Site, template: Doc, fields: Doc): Doc {
  const doctype = str(template.doctype);
  const meta = site.requireMeta(doctype);
  const doc: Doc = { ...structuredClone(template), ...fields };
  doc.name = newName(meta, doc, site.store, site.clock.today(), {});
  for (const field of meta.fields.filter((f) => f.fieldtype === 'Table')) {
    for (const [i, row] of ((doc[field.fieldname] as Doc[] | undefined) ?? []).entries()) Object.assign(row, { parent: doc.name, name: `${str(doc.name)}-${field.fieldname}-${i + 1}` });
  }
  site.store.put(doctype, doc);
  return doc;
}

function seedErpnext(site: Site, program: string, count: number): string[] {
  const courses = programOf(program).courses;
  const students: string[] = [];
  site.clock.set(demoTermNow);
  try {
    site.transaction(() => {
      let firstEnrollment: Doc | undefined;
      let firstCourseEnrollments: Doc[] = [];
      for (let i = 0; i < count; i += 1) {
        // Students go through the site's insert: it makes their Website User and Customer too.
        const student = site.insert('Student', { first_name: `Cohort${i}`, last_name: 'Large', student_email_id: `cohort.${i}@students.cbu.example` });
        students.push(str(student.name));
        if (!firstEnrollment) {
          firstEnrollment = site.insert('Program Enrollment', {
            student: student.name,
            program,
            academic_year: demoAcademicYear.name,
            academic_term: demoAcademicTerm.name,
            enrollment_date: demoAcademicTerm.termStartDate,
            docstatus: 1,
          });
          firstCourseEnrollments = site.rows('Course Enrollment').filter((ce) => ce.program_enrollment === firstEnrollment!.name);
          continue;
        }
        const enrollment = copyOf(site, firstEnrollment, { student: student.name, student_name: student.student_name });
        site.store.put('Student', { ...site.store.get('Student', str(student.name)), joining_date: demoAcademicTerm.termStartDate });
        for (const ce of firstCourseEnrollments) copyOf(site, ce, { student: student.name, student_name: student.student_name, program_enrollment: enrollment.name });
      }
      courses.forEach((course, courseIndex) => {
        for (let start = 0; start < students.length; start += groupSize) {
          const members = students.slice(start, start + groupSize);
          const group = site.insert('Student Group', {
            student_group_name: `${course} Cohort ${start / groupSize + 1} ${demoAcademicTerm.name}`,
            group_based_on: 'Course',
            academic_year: demoAcademicYear.name,
            academic_term: demoAcademicTerm.name,
            program,
            course,
            students: members.map((s) => ({ student: s, active: 1 })),
          });
          const plan = site.insert('Assessment Plan', {
            assessment_name: `${course} cohort ${start / groupSize + 1} coursework`,
            student_group: group.name,
            assessment_group: demoAssessmentGroup,
            course,
            grading_scale: demoGradingScale.name,
            schedule_date: '2026-11-30',
            from_time: `${String(8 + courseIndex).padStart(2, '0')}:00:00`,
            to_time: `${String(9 + courseIndex).padStart(2, '0')}:00:00`,
            maximum_assessment_score: 100,
            assessment_criteria: [{ assessment_criteria: demoAssessmentCriteria, maximum_score: 100 }],
            docstatus: 1,
          });
          members.forEach((student, k) => {
            const index = start + k;
            if (!withGrade(index)) return;
            site.insert('Assessment Result', { assessment_plan: plan.name, student, details: [{ assessment_criteria: demoAssessmentCriteria, score: cohortScore(index, courseIndex) }], docstatus: 1 });
            classDates.forEach((date, week) =>
              site.insert('Student Attendance', { student, student_group: group.name, date, status: (index + week + courseIndex) % 5 === 0 ? 'Absent' : 'Present', docstatus: 1 }),
            );
          });
        }
      });
    });
  } finally {
    site.clock.set(undefined);
  }
  return students;
}

/** The coursework score (out of 100) of cohort student `index` in the program's `courseIndex`-th course. */
export const cohortScore = (index: number, courseIndex: number) => 20 + ((index * 7 + courseIndex * 13) % 80);

function seedMoodle(state: MoodleState, program: string, students: readonly string[]): void {
  const courses = programOf(program)
    .courses.map((code, courseIndex) => ({ courseIndex, course: state.courses.find((c) => c.idnumber === code) }))
    .filter((c) => c.course !== undefined);
  const plan = courses.map(({ course, courseIndex }) => ({
    courseIndex,
    courseid: course!.id,
    enrolid: state.enrolInstances.find((i) => i.courseid === course!.id && i.enrol === 'manual')!.id,
    // Its own item, so the cohort's grades are the only ones in it.
    itemid: addGradedModule(state, { courseid: course!.id, modname: 'assign', name: `${course!.idnumber} cohort coursework`, idnumber: `${course!.idnumber}-COHORT`, grademax: 100 }).item.id,
  }));
  students.forEach((idnumber, index) => {
    const daysAgo = index % 45;
    const user = newUser(state, {
      username: `cohort${index}`,
      firstname: `Cohort${index}`,
      lastname: 'Large',
      email: `cohort.${index}@students.cbu.example`,
      idnumber,
      hasPassword: true,
      firstaccess: nowSeconds - 80 * day,
      lastaccess: index % 17 === 5 ? 0 : nowSeconds - daysAgo * day,
    });
    state.users.push(user);
    for (const { courseIndex, courseid, enrolid, itemid } of plan) {
      state.userEnrolments.push({ id: nextId(state, 'user_enrolments'), enrolid, userid: user.id, status: 0, timestart: 0, timeend: 0, timecreated: nowSeconds - 80 * day });
      state.roleAssignments.push({ userid: user.id, courseid, roleid: 5 });
      // Pushed, not setGrade'd: every (item, user) pair is new, and setGrade's look-up is linear.
      if (withGrade(index)) state.grades.push({ itemid, userid: user.id, rawgrade: cohortScore(index, courseIndex), timemodified: nowSeconds - 10 * day });
      if (completedCourse(index)) state.courseCompletions.set(`${courseid}:${user.id}`, nowSeconds - 5 * day);
    }
  });
}

/** Adds `count` students to `program` in both demo-seeded sandboxes. */
export function seedLargeProgram(sandboxes: { moodle: MoodleState; erpnext: Site }, options: { count: number; program?: string }): LargeProgram {
  const program = options.program ?? 'BSc Computer Science';
  const students = seedErpnext(sandboxes.erpnext, program, options.count);
  seedMoodle(sandboxes.moodle, program, students);
  return { program, students };
}
