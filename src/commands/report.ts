import Table from 'cli-table3';
import { loadConfig } from '../config/env';
import { loadMapping } from '../config/mapping-file';
import { buildCourseReport } from '../reports/course-report';
import { buildProgramReport, type ProgramReport } from '../reports/program-report';
import { reportCsv } from '../reports/report-csv';
import { createReportSources, reportCacheTtlMs, type ReportSources } from '../reports/report-sources';
import { buildStudentReport, type StudentReport } from '../reports/student-report';
import type { CourseReport } from '../reports/course-report';
import { erpnextClientFrom, moodleClientFrom } from '../wiring/from-config';

export interface ReportCommandOptions {
  kind: 'student' | 'course' | 'program';
  name: string;
  term?: string;
  json?: boolean;
  csv?: boolean;
  env?: NodeJS.ProcessEnv;
  /** Tests pass sources over the sandboxes. */
  sources?: ReportSources;
  print?: (text: string) => void;
}

const pct = (value: number | undefined) => (value === undefined ? '' : `${value}%`);
const style = { head: [], border: [], compact: true };

function table(head: string[], rows: (string | number | undefined)[][]): string {
  const out = new Table({ head, style });
  for (const row of rows) out.push(row.map((v) => (v === undefined ? '' : String(v))));
  return out.toString();
}

function studentText(r: StudentReport): string {
  return [
    `${r.student.name} ${[r.student.firstName, r.student.lastName].filter(Boolean).join(' ')} · ${r.programs.map((p) => p.program).join(', ')} · Moodle ${r.moodleAccount ? `#${r.moodleAccount.id}, last access ${r.moodleAccount.lastAccess ?? 'never'}` : 'no account'}`,
    table(['Course', 'Moodle', 'Completed', 'Grade', 'Source', 'Attendance'], r.courses.map((c) => [c.course, c.moodle.status, c.moodle.completed === undefined || c.moodle.completed === null ? '' : String(c.moodle.completed), pct(c.grade?.percent), c.grade?.source, pct(c.attendance.rate)])),
    table(['Invoice', 'Status', 'Total', 'Outstanding'], r.invoices.map((i) => [i.name, i.status, i.grandTotal.toFixed(2), i.outstanding.toFixed(2)])),
  ].join('\n');
}

function courseText(r: CourseReport): string {
  const m = r.moodle;
  return [
    `${r.course} ${r.title ?? ''} · ${r.term} · enrolled ${r.enrolled}${m ? ` · Moodle ${m.enrolled} (active 7d ${m.active7}, 30d ${m.active30}, completed ${m.completed})` : ''}`,
    table(['Term', 'Assessed', 'Live', 'Average', 'Pass', 'Attendance', 'Invoiced', 'Paid', 'Outstanding', 'Credited'], r.byTerm.map((t) => [t.term, t.grades.assessed, t.grades.live, pct(t.grades.average), pct(t.grades.passRate), pct(t.attendance.rate), t.revenue?.invoiced, t.revenue?.paid, t.revenue?.outstanding, t.revenue?.credited])),
  ].join('\n');
}

function programText(r: ProgramReport): string {
  return [
    `${r.program} · ${r.term} · ${r.totals.enrolled} students · average ${pct(r.totals.grades.average)} · attendance ${pct(r.totals.attendance.rate)} · completion ${pct(r.totals.moodle.completionRate)}`,
    table(['Course', 'Enrolled', 'Active 7d', 'Active 30d', 'Completed', 'Average', 'Attendance', 'Outstanding'], r.courses.map((c) => [c.course, c.enrolled, c.moodle?.active7, c.moodle?.active30, c.moodle?.completed, pct(c.grades.average), pct(c.attendance.rate), c.revenue?.outstanding])),
    table(['Term', 'Students', 'Average', 'Pass', 'Attendance', 'Completion', 'Invoiced', 'Outstanding'], r.trends.map((t) => [t.term, t.students, pct(t.averageGrade), pct(t.passRate), pct(t.attendanceRate), pct(t.completionRate), t.revenue.invoiced, t.revenue.outstanding])),
    `At risk: ${r.atRisk.length}`,
    table(['Student', 'Name', 'Why'], r.atRisk.map((s) => [s.student, s.name, s.reasons.join('; ')])),
  ].join('\n');
}

/** `campus-bridge report student|course|program <name> [--term T] [--json|--csv]`: reads only. */
export async function reportCommand(options: ReportCommandOptions): Promise<StudentReport | CourseReport | ProgramReport> {
  let sources = options.sources;
  if (!sources) {
    const env = options.env ?? process.env;
    const config = loadConfig('doctor', env, { developmentDefaults: true });
    sources = createReportSources({
      moodle: moodleClientFrom(config),
      erpnext: erpnextClientFrom(config),
      mapping: loadMapping(config.MAPPING_FILE),
      cacheTtlMs: reportCacheTtlMs(env),
      rates: { moodle: config.MOODLE_RATE_PER_SECOND, erpnext: config.ERPNEXT_RATE_PER_SECOND },
    });
  }
  const report =
    options.kind === 'student' ? await buildStudentReport(sources, options.name)
    : options.kind === 'course' ? await buildCourseReport(sources, options.name, { term: options.term })
    : await buildProgramReport(sources, options.name, { term: options.term });
  const print = options.print ?? ((text: string) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`));
  if (options.json) print(JSON.stringify(report, null, 2));
  else if (options.csv) print(reportCsv(report));
  else print(report.kind === 'student' ? studentText(report) : report.kind === 'course' ? courseText(report) : programText(report));
  return report;
}
