import type { AssessmentResultRow, InvoiceRow, TermRow } from './erpnext-reads';
import type { CourseParticipants, UserGradesRow } from './moodle-reads';
import { coursePercentOf } from './course-totals';
import { attendanceCounts, average, distribution, percentOf, revenueOf, round1, type AttendanceCounts, type Revenue } from './figures';
import { termOfDate, termsInOrder } from './terms';

/** Everything one course's figures are computed from, already read (a program report reads many courses' at once). */
export interface CourseData {
  code: string;
  title?: string;
  moodleCourseId?: number;
  /** Students with a Course Enrollment (ERPNext). */
  enrolledStudents: readonly string[];
  /** Submitted Assessment Results of this course, every term. */
  results: readonly AssessmentResultRow[];
  /** Student Attendance of this course's groups, with each group's term. */
  attendance: readonly { student: string; status: string; date: string; term?: string }[];
  /** Invoices and credit notes of the course's Item, when it is a paid elective. */
  invoices?: readonly InvoiceRow[];
  /** Moodle's participants (student role only) and, by Moodle user id, whether each completed the course. */
  participants?: CourseParticipants;
  completion?: ReadonlyMap<number, boolean | null | undefined>;
  liveGrades?: readonly UserGradesRow[];
  terms: readonly TermRow[];
}

export interface GradeFigures {
  /** Students with a submitted Assessment Result in the term (ERPNext). */
  assessed: number;
  /** Students without one whose Moodle course total counts instead: live, not yet synced. */
  live: number;
  average?: number;
  /** Share of graded students at 40 % or more (the demo scale's lowest pass, D), percent. */
  passRate?: number;
  distribution: ReturnType<typeof distribution>;
  liveDistribution: ReturnType<typeof distribution>;
}

export interface MoodleActivityFigures {
  /** Student-role participants, suspended enrolments included. */
  enrolled: number;
  activeEnrolments: number;
  suspended: number;
  /** Participants whose Moodle `lastaccess` is within 7 / 30 days. */
  active7: number;
  active30: number;
  neverAccessed: number;
  completed: number;
  /** completed ÷ active enrolments, percent. */
  completionRate?: number;
}

/** Attendance rate per week (weeks start on Monday, ISO dates), for the chart over time. */
export interface WeeklyAttendance {
  week: string;
  rate?: number;
  records: number;
}

export function weeklyAttendance(rows: readonly { date: string; status: string }[]): WeeklyAttendance[] {
  const byWeek = new Map<string, string[]>();
  for (const row of rows) {
    const day = new Date(`${row.date}T00:00:00Z`);
    const monday = new Date(day.getTime() - ((day.getUTCDay() + 6) % 7) * 86_400_000).toISOString().slice(0, 10);
    (byWeek.get(monday) ?? byWeek.set(monday, []).get(monday)!).push(row.status);
  }
  return [...byWeek.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([week, statuses]) => ({ week, rate: attendanceCounts(statuses).rate, records: statuses.length }));
}

export interface CourseTermFigures {
  term: string;
  grades: GradeFigures;
  attendance: AttendanceCounts;
  attendanceByWeek: WeeklyAttendance[];
  revenue?: Revenue;
}

export interface CourseFigures extends CourseTermFigures {
  course: string;
  title?: string;
  moodleCourseId?: number;
  /** Course Enrollments in ERPNext. */
  enrolled: number;
  moodle?: MoodleActivityFigures;
  /** The same figures for every term with data, oldest first. */
  byTerm: CourseTermFigures[];
}

const passMark = 40;
const daySeconds = 86_400;

export function gradeFigures(percents: readonly number[], live: readonly number[]): GradeFigures {
  const all = [...percents, ...live];
  return {
    assessed: percents.length,
    live: live.length,
    average: average(all),
    passRate: all.length === 0 ? undefined : round1((all.filter((p) => p >= passMark).length / all.length) * 100),
    distribution: distribution(percents),
    liveDistribution: distribution(live),
  };
}

export function moodleActivity(participants: CourseParticipants, completion: ReadonlyMap<number, boolean | null | undefined> | undefined, now: Date): MoodleActivityFigures {
  const nowSeconds = now.getTime() / 1000;
  const active = new Set(participants.activeIds);
  const within = (days: number) => participants.all.filter((p) => (p.lastaccess ?? 0) > 0 && nowSeconds - (p.lastaccess ?? 0) <= days * daySeconds).length;
  const activeEnrolments = participants.all.filter((p) => active.has(p.id)).length;
  const completed = participants.all.filter((p) => active.has(p.id) && completion?.get(p.id) === true).length;
  return {
    enrolled: participants.all.length,
    activeEnrolments,
    suspended: participants.all.length - activeEnrolments,
    active7: within(7),
    active30: within(30),
    neverAccessed: participants.all.filter((p) => !p.lastaccess).length,
    completed,
    completionRate: activeEnrolments === 0 ? undefined : round1((completed / activeEnrolments) * 100),
  };
}

/** A term's course totals as percentages: ERPNext's results, and Moodle's live totals of those without one (`withLive`). */
export function termPercents(data: CourseData, term: string, withLive: boolean): { synced: number[]; live: number[] } {
  const results = data.results.filter((r) => r.academic_term === term);
  const synced = results.flatMap((r) => percentOf(r.total_score, r.maximum_score) ?? []);
  const assessed = new Set(results.map((r) => r.student));
  const participants = new Set(data.participants?.all.map((p) => p.id));
  const live = withLive ? (data.liveGrades ?? []).filter((g) => g.useridnumber && !assessed.has(g.useridnumber) && participants.has(g.userid)).flatMap((g) => coursePercentOf(g) ?? []) : [];
  return { synced, live };
}

function termFigures(data: CourseData, term: string, withLive: boolean): CourseTermFigures {
  const { synced, live } = termPercents(data, term, withLive);
  const invoices = data.invoices?.filter((i) => termOfDate(data.terms, i.posting_date) === term);
  return {
    term,
    grades: gradeFigures(synced, live),
    attendance: attendanceCounts(data.attendance.filter((a) => a.term === term).map((a) => a.status)),
    attendanceByWeek: weeklyAttendance(data.attendance.filter((a) => a.term === term)),
    revenue: invoices ? revenueOf(invoices) : undefined,
  };
}

/** The terms with any result, attendance or invoice of these courses (and `term`), oldest first. */
export function termsWithData(courses: readonly CourseData[], terms: CourseData['terms'], term: string): string[] {
  const withData = new Set([term]);
  for (const data of courses) {
    for (const r of data.results) if (r.academic_term) withData.add(r.academic_term);
    for (const a of data.attendance) if (a.term) withData.add(a.term);
    for (const i of data.invoices ?? []) {
      const t = termOfDate(terms, i.posting_date);
      if (t) withData.add(t);
    }
  }
  return termsInOrder(terms).filter((t) => withData.has(t.name)).map((t) => t.name);
}

/** A course's figures for `term` (live Moodle grades count only there, when it is the current term) and its trend over terms. */
export function courseFigures(data: CourseData, term: string, options: { now: Date; currentTerm?: string }): CourseFigures {
  const byTerm = termsWithData([data], data.terms, term).map((t) => termFigures(data, t, t === options.currentTerm));
  return {
    course: data.code,
    title: data.title,
    moodleCourseId: data.moodleCourseId,
    enrolled: new Set(data.enrolledStudents).size,
    moodle: data.participants ? moodleActivity(data.participants, data.completion, options.now) : undefined,
    ...termFigures(data, term, term === options.currentTerm),
    byTerm,
  };
}
