import { defaultRiskThresholds, studentsAtRisk, type RiskThresholds, type StudentAtRisk } from './at-risk';
import { loadCourseData, noting, type Freshness } from './course-data';
import { courseFigures, gradeFigures, moodleActivity, termPercents, termsWithData, weeklyAttendance, type CourseFigures, type GradeFigures, type MoodleActivityFigures, type WeeklyAttendance } from './course-figures';
import { attendanceCounts, revenueOf, round1, type AttendanceCounts, type Revenue } from './figures';
import type { ReportSources } from './report-sources';
import { ReportNotFound } from './student-report';
import { currentTerm, termOfDate } from './terms';

/** One term of the program, for the trend lines. */
export interface ProgramTermTrend {
  term: string;
  /** Students with a result or attendance in the term. */
  students: number;
  averageGrade?: number;
  passRate?: number;
  attendanceRate?: number;
  /** Moodle course completion, known only for the current term (Moodle keeps no per-term history we read). */
  completionRate?: number;
  revenue: Revenue;
}

export interface ProgramReport {
  kind: 'program';
  program: string;
  term: string;
  courses: CourseFigures[];
  totals: {
    /** Students with a submitted Program Enrollment. */
    enrolled: number;
    /** Moodle activity summed over the program's Moodle courses (a student counts once per course). */
    moodle: MoodleActivityFigures;
    grades: GradeFigures;
    attendance: AttendanceCounts;
    attendanceByWeek: WeeklyAttendance[];
    /** Moodle last access of the program's students, by whole weeks ago (0 = this week); never = -1. */
    lastAccessByWeeksAgo: { weeksAgo: number; students: number }[];
    /** Every invoice of the program's students posted in the term. */
    revenue: Revenue;
  };
  trends: ProgramTermTrend[];
  atRisk: StudentAtRisk[];
  thresholds: RiskThresholds;
  freshness: Freshness;
  generatedAt: string;
}

const sumActivity = (parts: readonly MoodleActivityFigures[]): MoodleActivityFigures => {
  const sum = (key: keyof MoodleActivityFigures) => parts.reduce((total, part) => total + (part[key] ?? 0), 0);
  const activeEnrolments = sum('activeEnrolments');
  const completed = sum('completed');
  return {
    enrolled: sum('enrolled'),
    activeEnrolments,
    suspended: sum('suspended'),
    active7: sum('active7'),
    active30: sum('active30'),
    neverAccessed: sum('neverAccessed'),
    completed,
    completionRate: activeEnrolments === 0 ? undefined : round1((completed / activeEnrolments) * 100),
  };
};

function lastAccessByWeeksAgo(data: readonly { participants?: { all: readonly { idnumber?: string; lastaccess?: number }[] } }[], now: Date) {
  const latest = new Map<string, number>();
  for (const d of data) for (const p of d.participants?.all ?? []) if (p.idnumber) latest.set(p.idnumber, Math.max(latest.get(p.idnumber) ?? 0, p.lastaccess ?? 0));
  const counts = new Map<number, number>();
  for (const seconds of latest.values()) {
    const weeks = seconds ? Math.floor((now.getTime() / 1000 - seconds) / (7 * 86_400)) : -1;
    counts.set(weeks, (counts.get(weeks) ?? 0) + 1);
  }
  return [...counts.entries()].sort(([a], [b]) => a - b).map(([weeksAgo, students]) => ({ weeksAgo, students }));
}

/**
 * A Program in a term (default: the current one): its courses' figures, the totals over them,
 * trends across terms, and the students at risk with their reasons. ERPNext is read in a few
 * batched list reads for the whole program; Moodle once per course, plus completion once per
 * student (Moodle 4.1 has no course-wide completion read).
 */
export async function buildProgramReport(sources: ReportSources, program: string, options: { term?: string; thresholds?: Partial<RiskThresholds> } = {}): Promise<ProgramReport> {
  const freshness: Freshness = {};
  const note = noting(freshness);
  const now = sources.now();
  const thresholds = { ...defaultRiskThresholds, ...options.thresholds };
  const [enrollments, terms] = await Promise.all([
    sources.erpnext.programEnrollmentsOfProgram(program).then((f) => note('erpnext.Program Enrollment', f)),
    sources.erpnext.terms().then((f) => note('erpnext.Academic Term', f)),
  ]);
  let courses: string[];
  try {
    courses = note('erpnext.Program', await sources.erpnext.programCourses(program));
  } catch (error) {
    if (error instanceof Error && 'status' in error && error.status === 404) throw new ReportNotFound(`no Program ${program} in ERPNext`);
    throw error;
  }
  const current = currentTerm(terms, now);
  const term = options.term ?? current;
  if (!term || !terms.some((t) => t.name === term)) throw new ReportNotFound(`no Academic Term ${options.term ?? '(current)'} in ERPNext`);

  const studentNames = [...new Set(enrollments.map((e) => e.student))];
  const inProgram = new Set(studentNames);
  const [students, invoices, data] = await Promise.all([
    sources.erpnext.students(studentNames).then((f) => note('erpnext.Student', f)),
    sources.erpnext.invoicesOfStudents(studentNames).then((f) => note('erpnext.Sales Invoice', f)),
    loadCourseData(sources, courses, freshness, inProgram),
  ]);
  const figures = data.map((d) => courseFigures(d, term, { now, currentTerm: current }));

  const termTotals = (t: string) => {
    const percents = data.map((d) => termPercents(d, t, t === current));
    const statuses = data.flatMap((d) => d.attendance.filter((a) => a.term === t));
    return {
      grades: gradeFigures(percents.flatMap((p) => p.synced), percents.flatMap((p) => p.live)),
      attendance: attendanceCounts(statuses.map((a) => a.status)),
      revenue: revenueOf(invoices.filter((i) => termOfDate(terms, i.posting_date) === t)),
      students: new Set([...data.flatMap((d) => d.results.filter((r) => r.academic_term === t).map((r) => r.student)), ...statuses.map((a) => a.student)]).size,
    };
  };
  const moodle = sumActivity(data.flatMap((d) => (d.participants ? [moodleActivity(d.participants, d.completion, now)] : [])));
  const totals = termTotals(term);
  const trendTerms = [...new Set([...termsWithData(data, terms, term), ...invoices.flatMap((i) => termOfDate(terms, i.posting_date) ?? [])])];
  const ordered = terms.filter((t) => trendTerms.includes(t.name)).sort((a, b) => (a.term_start_date ?? '').localeCompare(b.term_start_date ?? ''));
  const trends = ordered.map((t): ProgramTermTrend => {
    const figuresOf = t.name === term ? totals : termTotals(t.name);
    return {
      term: t.name,
      students: figuresOf.students,
      averageGrade: figuresOf.grades.average,
      passRate: figuresOf.grades.passRate,
      attendanceRate: figuresOf.attendance.rate,
      completionRate: t.name === current ? moodle.completionRate : undefined,
      revenue: figuresOf.revenue,
    };
  });

  return {
    kind: 'program',
    program,
    term,
    courses: figures,
    totals: {
      enrolled: studentNames.length,
      moodle,
      grades: totals.grades,
      attendance: totals.attendance,
      attendanceByWeek: weeklyAttendance(data.flatMap((d) => d.attendance.filter((a) => a.term === term))),
      lastAccessByWeeksAgo: lastAccessByWeeksAgo(data, now),
      revenue: totals.revenue,
    },
    trends,
    atRisk: studentsAtRisk({ students: students.filter((s) => inProgram.has(s.name)), courses: data, invoices, term, now, thresholds }),
    thresholds,
    freshness,
    generatedAt: now.toISOString(),
  };
}
