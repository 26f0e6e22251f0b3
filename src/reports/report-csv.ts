import type { CourseReport } from './course-report';
import type { ProgramReport } from './program-report';
import type { StudentReport } from './student-report';

const cell = (value: unknown) => {
  const text = value === undefined || value === null ? '' : String(value);
  // RFC 4180 quoting, and a leading =,+,-,@ made inert so a spreadsheet does not run it as a formula.
  const safe = /^[=+\-@]/.test(text) && !/^-?\d/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};
const csv = (head: string[], rows: unknown[][]) => [head, ...rows].map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';

/** The report's main table as CSV: a student's courses, a course's terms, a program's courses. */
export function reportCsv(report: StudentReport | CourseReport | ProgramReport): string {
  switch (report.kind) {
    case 'student':
      return csv(
        ['course', 'title', 'course_enrollment', 'moodle_status', 'completed', 'grade_percent', 'grade_source', 'present', 'absent', 'leave', 'attendance_rate'],
        report.courses.map((c) => [c.course, c.title, c.courseEnrollment, c.moodle.status, c.moodle.completed, c.grade?.percent, c.grade?.source, c.attendance.present, c.attendance.absent, c.attendance.leave, c.attendance.rate]),
      );
    case 'course':
      return csv(
        ['term', 'assessed', 'live', 'average', 'pass_rate', 'attendance_rate', 'invoiced', 'paid', 'outstanding', 'credited'],
        report.byTerm.map((t) => [t.term, t.grades.assessed, t.grades.live, t.grades.average, t.grades.passRate, t.attendance.rate, t.revenue?.invoiced, t.revenue?.paid, t.revenue?.outstanding, t.revenue?.credited]),
      );
    case 'program':
      return csv(
        ['course', 'title', 'enrolled', 'active_7d', 'active_30d', 'completed', 'average', 'attendance_rate', 'invoiced', 'outstanding'],
        report.courses.map((c) => [c.course, c.title, c.enrolled, c.moodle?.active7, c.moodle?.active30, c.moodle?.completed, c.grades.average, c.attendance.rate, c.revenue?.invoiced, c.revenue?.outstanding]),
      );
  }
}
