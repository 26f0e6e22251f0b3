import type { CourseData } from './course-figures';
import { coursePercentOf } from './course-totals';
import type { InvoiceRow, StudentRow } from './erpnext-reads';
import { attendanceCounts, average, percentOf, round2 } from './figures';

/** When a student counts as at risk; each rule gives its own reason. */
export interface RiskThresholds {
  /** Attendance rate below this, percent (default 75). */
  attendanceBelow: number;
  /** Average course total below this, percent (default 40). */
  gradeBelow: number;
  /** No Moodle access for this many days (default 14); never, or no account, counts too. */
  noAccessDays: number;
}

export const defaultRiskThresholds: RiskThresholds = { attendanceBelow: 75, gradeBelow: 40, noAccessDays: 14 };

export interface StudentAtRisk {
  student: string;
  name: string;
  reasons: string[];
  attendanceRate?: number;
  averageGrade?: number;
  daysSinceAccess?: number;
  overdue: number;
}

/**
 * The program's students at risk in `term`: low attendance, low grade (ERPNext's results, or
 * Moodle's live totals where none is synced yet), no recent Moodle access, an overdue invoice.
 */
export function studentsAtRisk(input: {
  students: readonly StudentRow[];
  courses: readonly CourseData[];
  invoices: readonly InvoiceRow[];
  term: string;
  now: Date;
  thresholds: RiskThresholds;
}): StudentAtRisk[] {
  const { thresholds, term, now } = input;
  const nowSeconds = now.getTime() / 1000;
  const today = now.toISOString().slice(0, 10);
  const lastAccess = new Map<string, number>();
  for (const course of input.courses) for (const p of course.participants?.all ?? []) if (p.idnumber) lastAccess.set(p.idnumber, Math.max(lastAccess.get(p.idnumber) ?? 0, p.lastaccess ?? 0));

  // Indexed by student once: a 5,000-student program must not scan every row per student.
  const statusesOf = new Map<string, string[]>();
  const gradesOf = new Map<string, number[]>();
  const push = <T>(map: Map<string, T[]>, key: string, value: T) => (map.get(key) ?? map.set(key, []).get(key)!).push(value);
  for (const course of input.courses) {
    for (const a of course.attendance) if (a.term === term) push(statusesOf, a.student, a.status);
    const assessed = new Set<string>();
    for (const r of course.results) {
      if (r.academic_term !== term) continue;
      assessed.add(r.student);
      const percent = percentOf(r.total_score, r.maximum_score);
      if (percent !== undefined) push(gradesOf, r.student, percent);
    }
    for (const g of course.liveGrades ?? []) {
      const percent = g.useridnumber && !assessed.has(g.useridnumber) ? coursePercentOf(g) : undefined;
      if (percent !== undefined) push(gradesOf, g.useridnumber!, percent);
    }
  }
  const overdueOf = new Map<string, number>();
  for (const i of input.invoices) {
    if (i.student && i.is_return !== 1 && (i.outstanding_amount ?? 0) > 0 && i.due_date !== undefined && i.due_date < today) overdueOf.set(i.student, (overdueOf.get(i.student) ?? 0) + (i.outstanding_amount ?? 0));
  }

  const atRisk: StudentAtRisk[] = [];
  for (const student of input.students) {
    const attendance = attendanceCounts(statusesOf.get(student.name) ?? []);
    const averageGrade = average(gradesOf.get(student.name) ?? []);
    const seen = lastAccess.get(student.name);
    const daysSinceAccess = seen ? Math.floor((nowSeconds - seen) / 86_400) : undefined;
    const overdue = round2(overdueOf.get(student.name) ?? 0);

    const reasons: string[] = [];
    if (attendance.rate !== undefined && attendance.rate < thresholds.attendanceBelow) reasons.push(`attendance ${attendance.rate}% (below ${thresholds.attendanceBelow}%)`);
    if (averageGrade !== undefined && averageGrade < thresholds.gradeBelow) reasons.push(`average grade ${averageGrade}% (below ${thresholds.gradeBelow}%)`);
    if (daysSinceAccess === undefined) reasons.push(seen === undefined ? 'no Moodle enrolment' : 'never accessed Moodle');
    else if (daysSinceAccess >= thresholds.noAccessDays) reasons.push(`no Moodle access for ${daysSinceAccess} days`);
    if (overdue > 0) reasons.push(`overdue invoices ${overdue.toFixed(2)}`);
    if (reasons.length > 0) {
      atRisk.push({ student: student.name, name: [student.first_name, student.last_name].filter(Boolean).join(' '), reasons, attendanceRate: attendance.rate, averageGrade, daysSinceAccess, overdue });
    }
  }
  return atRisk;
}
