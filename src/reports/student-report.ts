import type { TrailRun } from '../operations/trail';
import { coursePercentOf } from './course-totals';
import { attendanceCounts, daysSince, isoOfUnix, percentOf, revenueOf, type AttendanceCounts, type Revenue } from './figures';
import type { ReportSources } from './report-sources';

/** One course of the student: ERPNext's enrollment, grade and attendance beside Moodle's enrolment and activity. */
export interface StudentCourseRow {
  course: string;
  title?: string;
  /** The Course Enrollment (ERPNext), if any. */
  courseEnrollment?: string;
  moodle: {
    courseId?: number;
    /** `no-course`: no Moodle course carries this idnumber (e.g. a placement assessed on paper). */
    status: 'active' | 'suspended' | 'not-enrolled' | 'no-course' | 'no-account';
    lastCourseAccess?: string;
    completed?: boolean | null;
    progress?: number | null;
  };
  grade?: {
    percent?: number;
    score?: number;
    maximum?: number;
    grade?: string;
    /** `erpnext`: a submitted Assessment Result; `moodle-live`: Moodle's course total, not yet synced. */
    source: 'erpnext' | 'moodle-live';
  };
  attendance: AttendanceCounts;
}

export interface StudentInvoiceRow {
  name: string;
  postingDate?: string;
  dueDate?: string;
  status?: string;
  grandTotal: number;
  outstanding: number;
  creditNote: boolean;
  returnAgainst?: string;
}

export interface StudentReport {
  kind: 'student';
  student: { name: string; firstName?: string; lastName?: string; email?: string; joiningDate?: string };
  programs: { enrollment: string; program: string; academicYear?: string; academicTerm?: string; enrollmentDate?: string }[];
  moodleAccount?: { id: number; username?: string; lastAccess?: string; daysSinceAccess?: number };
  courses: StudentCourseRow[];
  invoices: StudentInvoiceRow[];
  money: Revenue;
  /** The Campus Bridge runs that touched the student, or why they are not shown. */
  runs: TrailRun[] | { unavailable: string };
  /** When each source was read (ISO), by read: the cache may serve an answer up to its TTL old. */
  freshness: Record<string, string>;
  generatedAt: string;
}

export class ReportNotFound extends Error {}

/**
 * The 360° view of one Student: ERPNext identity, program enrollments, course enrollments,
 * Assessment Results, Student Attendance and invoices; Moodle's account, enrolment status, last
 * access, completion and live course totals; the runs that touched them. About a dozen reads,
 * each cached: `sources` keeps them for its TTL.
 */
export async function buildStudentReport(sources: ReportSources, studentName: string): Promise<StudentReport> {
  const { erpnext, moodle } = sources;
  const freshness: Record<string, string> = {};
  const note = <T>(label: string, fresh: { value: T; fetchedAt: string }): T => {
    freshness[label] = fresh.fetchedAt;
    return fresh.value;
  };

  const [student] = note('erpnext.Student', await erpnext.students([studentName]));
  if (!student) throw new ReportNotFound(`no Student ${studentName} in ERPNext`);
  const [programs, courseEnrollments, results, attendance, invoices, groups, courses, account, moodleCourses] = await Promise.all([
    erpnext.programEnrollmentsOfStudent(studentName).then((f) => note('erpnext.Program Enrollment', f)),
    erpnext.courseEnrollmentsOfStudent(studentName).then((f) => note('erpnext.Course Enrollment', f)),
    erpnext.resultsOfStudent(studentName).then((f) => note('erpnext.Assessment Result', f)),
    erpnext.attendanceOfStudent(studentName).then((f) => note('erpnext.Student Attendance', f)),
    erpnext.invoicesOfStudent(studentName).then((f) => note('erpnext.Sales Invoice', f)),
    erpnext.studentGroups().then((f) => note('erpnext.Student Group', f)),
    erpnext.courses().then((f) => note('erpnext.Course', f)),
    moodle.userByIdnumber(studentName).then((f) => note('moodle.user', f)),
    moodle.courses().then((f) => note('moodle.courses', f)),
  ]);

  const moodleCourseOf = new Map(moodleCourses.filter((c) => c.idnumber).map((c) => [c.idnumber!, c]));
  const active = account ? note('moodle.enrolments', await moodle.usersCourses(account.id)) : [];
  const activeById = new Map(active.map((c) => [c.id, c]));
  const groupCourse = new Map(groups.filter((g) => g.course).map((g) => [g.name, g.course!]));

  // Courses: those ERPNext enrolled the student in, and any Moodle course they are in (an elective).
  const codes = [...new Set([...courseEnrollments.map((ce) => ce.course), ...active.flatMap((c) => (c.idnumber ? [c.idnumber] : []))])].sort();
  const rows: StudentCourseRow[] = [];
  for (const code of codes) {
    const moodleCourse = moodleCourseOf.get(code);
    const result = results.find((r) => r.course === code);
    const row: StudentCourseRow = {
      course: code,
      title: courses.find((c) => c.name === code)?.description ?? moodleCourse?.fullname,
      courseEnrollment: courseEnrollments.find((ce) => ce.course === code)?.name,
      moodle: { courseId: moodleCourse?.id, status: !moodleCourse ? 'no-course' : !account ? 'no-account' : 'not-enrolled' },
      attendance: attendanceCounts(attendance.filter((a) => a.student_group && groupCourse.get(a.student_group) === code).map((a) => a.status)),
    };
    if (result) row.grade = { percent: percentOf(result.total_score, result.maximum_score), score: result.total_score, maximum: result.maximum_score, grade: result.grade, source: 'erpnext' };
    if (moodleCourse && account) {
      const enrolment = activeById.get(moodleCourse.id);
      const participants = note(`moodle.participants.${code}`, await moodle.participants(moodleCourse.id));
      const participant = participants.all.find((p) => p.id === account.id);
      if (enrolment) row.moodle = { ...row.moodle, status: 'active', completed: enrolment.completed, progress: enrolment.progress };
      else if (participant) row.moodle.status = 'suspended';
      if (participant) row.moodle.lastCourseAccess = isoOfUnix(participant.lastcourseaccess);
      if (!row.grade && participant) {
        const [grades] = note(`moodle.grades.${code}`, await moodle.grades(moodleCourse.id, account.id));
        const percent = grades ? coursePercentOf(grades) : undefined;
        if (percent !== undefined) row.grade = { percent, source: 'moodle-live' };
      }
    }
    rows.push(row);
  }

  let runs: StudentReport['runs'] = { unavailable: 'no Temporal connection' };
  if (sources.trail) {
    try {
      runs = (await sources.trail(studentName)).runs;
      freshness['temporal.runs'] = sources.now().toISOString();
    } catch (error) {
      runs = { unavailable: `Temporal: ${error instanceof Error ? error.name : 'error'}` };
    }
  }

  const now = sources.now();
  return {
    kind: 'student',
    student: { name: student.name, firstName: student.first_name, lastName: student.last_name, email: student.student_email_id, joiningDate: student.joining_date },
    programs: programs.map((p) => ({ enrollment: p.name, program: p.program, academicYear: p.academic_year, academicTerm: p.academic_term, enrollmentDate: p.enrollment_date })),
    moodleAccount: account ? { id: account.id, username: account.username, lastAccess: isoOfUnix(account.lastaccess), daysSinceAccess: daysSince(account.lastaccess, now) } : undefined,
    courses: rows,
    invoices: invoices.map((i) => ({
      name: i.name,
      postingDate: i.posting_date,
      dueDate: i.due_date,
      status: i.status,
      grandTotal: i.grand_total ?? 0,
      outstanding: i.outstanding_amount ?? 0,
      creditNote: i.is_return === 1,
      returnAgainst: i.return_against,
    })),
    money: revenueOf(invoices),
    runs,
    freshness,
    generatedAt: now.toISOString(),
  };
}
