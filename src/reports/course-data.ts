import type { CourseData } from './course-figures';
import type { ReportSources } from './report-sources';

/** Records the time each read was answered, by source label (a report's `freshness`). */
export type Freshness = Record<string, string>;

export function noting(freshness: Freshness) {
  return <T>(label: string, fresh: { value: T; fetchedAt: string }): T => {
    // The oldest answer behind a label is the one to own up to.
    if (!freshness[label] || fresh.fetchedAt < freshness[label]!) freshness[label] = fresh.fetchedAt;
    return fresh.value;
  };
}

/**
 * Reads what `courseFigures` needs for several courses at once: each ERPNext DocType in one
 * batched read for all of them, each Moodle course's participants and grades in one request per
 * course, and completion once per student for all their courses. `students` limits everything to
 * one program's students.
 */
export async function loadCourseData(sources: ReportSources, courses: readonly string[], freshness: Freshness, students?: ReadonlySet<string>): Promise<CourseData[]> {
  const { erpnext, moodle } = sources;
  const note = noting(freshness);
  const inScope = (student: string | undefined) => student !== undefined && (!students || students.has(student));

  const [titles, moodleCourses, enrollments, results, groups, terms] = await Promise.all([
    erpnext.courses().then((f) => note('erpnext.Course', f)),
    moodle.courses().then((f) => note('moodle.courses', f)),
    erpnext.courseEnrollmentsOfCourses(courses).then((f) => note('erpnext.Course Enrollment', f)),
    erpnext.resultsOfCourses(courses).then((f) => note('erpnext.Assessment Result', f)),
    erpnext.studentGroups().then((f) => note('erpnext.Student Group', f)),
    erpnext.terms().then((f) => note('erpnext.Academic Term', f)),
  ]);
  const courseGroups = groups.filter((g) => g.course && courses.includes(g.course));
  const attendance = courseGroups.length === 0 ? [] : note('erpnext.Student Attendance', await erpnext.attendanceOfGroups(courseGroups.map((g) => g.name)));
  const groupOf = new Map(courseGroups.map((g) => [g.name, g]));

  const moodleOf = new Map(moodleCourses.filter((c) => c.idnumber).map((c) => [c.idnumber!, c]));
  const perCourse = await Promise.all(
    courses.map(async (code) => {
      const elective = sources.electives[code];
      const invoices = elective ? note('erpnext.Sales Invoice', await erpnext.invoicesOfItem(elective.item)).filter((i) => inScope(i.student)) : undefined;
      const course = moodleOf.get(code);
      if (!course) return { code, invoices };
      const [participants, grades] = await Promise.all([
        moodle.participants(course.id).then((f) => note('moodle.participants', f)),
        moodle.grades(course.id).then((f) => note('moodle.grades', f)),
      ]);
      const studentRole = participants.all.filter((p) => p.roles?.some((r) => r.roleid === sources.studentRoleId) && (!students || (p.idnumber !== undefined && students.has(p.idnumber))));
      return { code, invoices, course, participants: { all: studentRole, activeIds: participants.activeIds }, grades };
    }),
  );

  // Completion: one core_enrol_get_users_courses per active student answers all of their courses.
  const users = [...new Set(perCourse.flatMap((c) => (c.participants ? c.participants.all.filter((p) => c.participants.activeIds.includes(p.id)).map((p) => p.id) : [])))];
  const completion = new Map<string, boolean | null | undefined>();
  await Promise.all(
    users.map(async (userid) => {
      for (const enrolment of note('moodle.completion', await moodle.usersCourses(userid))) completion.set(`${enrolment.id}:${userid}`, enrolment.completed);
    }),
  );

  return perCourse.map((c): CourseData => ({
    code: c.code,
    title: titles.find((t) => t.name === c.code)?.description ?? c.course?.fullname,
    moodleCourseId: c.course?.id,
    enrolledStudents: enrollments.filter((e) => e.course === c.code && inScope(e.student)).map((e) => e.student),
    results: results.filter((r) => r.course === c.code && inScope(r.student)),
    attendance: attendance
      .filter((a) => a.student_group && groupOf.get(a.student_group)?.course === c.code && inScope(a.student))
      .map((a) => ({ student: a.student, status: a.status, date: a.date, term: groupOf.get(a.student_group!)?.academic_term })),
    invoices: c.invoices,
    participants: c.participants,
    completion: c.course ? new Map(users.map((u) => [u, completion.get(`${c.course!.id}:${u}`)])) : undefined,
    liveGrades: c.grades,
    terms,
  }));
}
