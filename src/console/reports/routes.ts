import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { activityChart, attendanceOverTimeChart } from '../../charts/attendance-activity';
import { gradeDistributionChart } from '../../charts/grade-distribution';
import { programTrendsChart } from '../../charts/program-trends';
import { revenueChart } from '../../charts/revenue-outstanding';
import { buildCourseReport } from '../../reports/course-report';
import { buildProgramReport } from '../../reports/program-report';
import { ReportNotFound } from '../../reports/student-report';
import type { ConsoleContext } from '../context';
import { html, type Html } from '../html';
import { page } from '../layout';
import { studentHref } from '../run-cells';
import { chart, freshnessNote, money, pct, termTable } from './sections';

const current = { current: '/console/reports' };
const name = /^[\w .()@&-]{1,140}$/;

function problem(reply: FastifyReply, status: number, title: string, text: string) {
  return reply.code(status).type('text/html; charset=utf-8').send(page(title, html`<p class="error">${text}</p><p><a href="/console/reports">Reports</a></p>`, current));
}

const termOf = (query: unknown) => {
  const term = (query as { term?: unknown }).term;
  return typeof term === 'string' && term !== '' && name.test(term) ? term : undefined;
};

/**
 * `/console/reports`: the course and program reports as pages, their charts rendered to SVG on the
 * server (no script). GET only; registered inside the console's auth scope.
 */
export const consoleReportRoutes: FastifyPluginAsync<ConsoleContext> = async (app, context) => {
  app.get('/console/reports', async (_request, reply) => {
    const sources = context.reports;
    const courses = sources ? (await sources.erpnext.courses()).value : [];
    const body = sources
      ? html`<form method="get" action="/console/reports/program"><p><label>Program <input name="program" required></label> <label>Term <input name="term" placeholder="current"></label> <button type="submit">Program report</button></p></form>
<h2>Courses</h2><ul id="course-links">${courses.map((c) => html`<li><a href="/console/reports/courses/${encodeURIComponent(c.name)}">${c.name}</a> ${c.description ?? ''}</li>`)}</ul>`
      : html`<p>Reports need the gateway to read Moodle and ERPNext: set MOODLE_URL, MOODLE_TOKEN, ERPNEXT_URL, ERPNEXT_API_KEY and ERPNEXT_API_SECRET.</p>`;
    return reply.type('text/html; charset=utf-8').send(page('Reports', body, current));
  });

  // The index's form submits ?program=: send it on to the program's own address.
  app.get('/console/reports/program', async (request, reply) => {
    const { program, term } = request.query as { program?: string; term?: string };
    if (!program || !name.test(program)) return problem(reply, 400, 'Program report', 'Give a Program name.');
    return reply.redirect(`/console/reports/programs/${encodeURIComponent(program)}${term ? `?term=${encodeURIComponent(term)}` : ''}`);
  });

  app.get<{ Params: { program: string } }>('/console/reports/programs/:program', async (request, reply) => {
    const sources = context.reports;
    if (!sources) return problem(reply, 503, 'Program report', 'Reports need Moodle and ERPNext credentials on the gateway.');
    if (!name.test(request.params.program)) return problem(reply, 400, 'Program report', 'Not a Program name.');
    let report;
    try {
      report = await buildProgramReport(sources, request.params.program, { term: termOf(request.query) });
    } catch (error) {
      if (error instanceof ReportNotFound) return problem(reply, 404, 'Program report', error.message);
      throw error;
    }
    const t = report.totals;
    const paid = report.courses.flatMap((c) => (c.revenue ? [{ course: c.course, revenue: c.revenue }] : []));
    const body: Html = html`<p>Term <strong>${report.term}</strong> · ${t.enrolled} students enrolled · Moodle: ${t.moodle.active7} active in 7 days, ${t.moodle.active30} in 30 (course enrolments), ${t.moodle.completed} completed (${pct(t.moodle.completionRate)}) · average ${pct(t.grades.average)} · attendance ${pct(t.attendance.rate)} · invoiced ${money(t.revenue.invoiced)}, outstanding ${money(t.revenue.outstanding)}</p>
<div class="charts">
${chart('chart-trends', await programTrendsChart(report.trends))}
${chart('chart-grades', await gradeDistributionChart(t.grades))}
${chart('chart-attendance', await attendanceOverTimeChart(t.attendanceByWeek))}
${chart('chart-activity', await activityChart(t.lastAccessByWeeksAgo))}
${paid.length ? chart('chart-revenue', await revenueChart(paid)) : ''}
</div>
<h2>Courses</h2>
<table id="courses"><thead><tr><th>Course</th><th>Enrolled</th><th>Active 7d</th><th>Active 30d</th><th>Completed</th><th>Average</th><th>Attendance</th><th>Outstanding</th></tr></thead><tbody>
${report.courses.map((c) => html`<tr><td><a href="/console/reports/courses/${encodeURIComponent(c.course)}?term=${encodeURIComponent(report.term)}">${c.course}</a> ${c.title ?? ''}</td><td class="num">${c.enrolled}</td><td class="num">${c.moodle?.active7 ?? '–'}</td><td class="num">${c.moodle?.active30 ?? '–'}</td><td class="num">${c.moodle?.completed ?? '–'}</td><td class="num">${pct(c.grades.average)}</td><td class="num">${pct(c.attendance.rate)}</td><td class="num">${money(c.revenue?.outstanding)}</td></tr>`)}
</tbody></table>
<h2>Students at risk (${report.atRisk.length})</h2>
<table id="at-risk"><thead><tr><th>Student</th><th>Name</th><th>Why</th></tr></thead><tbody>
${report.atRisk.map((s) => html`<tr><td class="mono"><a href="${studentHref(s.student)}">${s.student}</a></td><td>${s.name}</td><td>${s.reasons.join('; ')}</td></tr>`)}
</tbody></table>
${freshnessNote(report.freshness, report.generatedAt)}`;
    return reply.type('text/html; charset=utf-8').send(page(`Program: ${report.program}`, body, current));
  });

  app.get<{ Params: { course: string } }>('/console/reports/courses/:course', async (request, reply) => {
    const sources = context.reports;
    if (!sources) return problem(reply, 503, 'Course report', 'Reports need Moodle and ERPNext credentials on the gateway.');
    if (!name.test(request.params.course)) return problem(reply, 400, 'Course report', 'Not a Course name.');
    let report;
    try {
      report = await buildCourseReport(sources, request.params.course, { term: termOf(request.query) });
    } catch (error) {
      if (error instanceof ReportNotFound) return problem(reply, 404, 'Course report', error.message);
      throw error;
    }
    const m = report.moodle;
    const body: Html = html`<p>Term <strong>${report.term}</strong> · ${report.enrolled} Course Enrollments in ERPNext${m ? html` · Moodle: ${m.enrolled} students (${m.suspended} suspended), ${m.active7} active in 7 days, ${m.active30} in 30, ${m.neverAccessed} never, ${m.completed} completed (${pct(m.completionRate)})` : html` · no Moodle course`} · average ${pct(report.grades.average)} (${report.grades.assessed} in ERPNext, ${report.grades.live} live from Moodle) · attendance ${pct(report.attendance.rate)}</p>
${report.revenue ? html`<p id="revenue">Invoiced ${money(report.revenue.invoiced)} · paid ${money(report.revenue.paid)} · outstanding ${money(report.revenue.outstanding)} · withdrawals credited ${money(report.revenue.credited)}</p>` : ''}
<div class="charts">
${chart('chart-grades', await gradeDistributionChart(report.grades))}
${chart('chart-attendance', await attendanceOverTimeChart(report.attendanceByWeek))}
${report.revenue ? chart('chart-revenue', await revenueChart(report.byTerm.flatMap((t) => (t.revenue ? [{ course: t.term, revenue: t.revenue }] : [])), 'Revenue by term')) : ''}
</div>
<h2>By term</h2>
${termTable(report.byTerm)}
${freshnessNote(report.freshness, report.generatedAt)}`;
    return reply.type('text/html; charset=utf-8').send(page(`Course: ${report.course}${report.title ? ` ${report.title}` : ''}`, body, current));
  });
};
