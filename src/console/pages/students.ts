import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { studentTrail, type TrailRun } from '../../operations/trail';
import { buildStudentReport, ReportNotFound, type StudentReport } from '../../reports/student-report';
import type { ConsoleContext } from '../context';
import { actionButton } from '../forms';
import { html, type Html } from '../html';
import { page } from '../layout';
import { studentHref, when } from '../run-cells';
import { trailSection } from '../trail-section';

/** A Student's name as ERPNext gives them (EDU-STU-2026-00012) and as visibility queries accept them (trail.ts checks the same). */
const studentName = /^[\w .@-]{1,140}$/;

const money = (amount: number) => amount.toFixed(2);
const percent = (value: number | undefined) => (value === undefined ? '' : `${value}%`);

function reportSections(report: StudentReport): Html {
  const s = report.student;
  const account = report.moodleAccount;
  const programs = report.programs.map((p) => html`<tr><td>${p.program}</td><td class="mono">${p.enrollment}</td><td>${p.academicYear ?? ''}</td><td>${p.academicTerm ?? ''}</td><td>${p.enrollmentDate ?? ''}</td></tr>`);
  const courses = report.courses.map(
    (c) => html`<tr><td>${c.course}</td><td>${c.title ?? ''}</td><td class="mono">${c.courseEnrollment ?? html`<em>none</em>`}</td>
<td class="${c.moodle.status === 'active' ? 'ok' : c.moodle.status === 'no-course' ? '' : 'waiting'}">${c.moodle.status}</td><td>${when(c.moodle.lastCourseAccess)}</td>
<td>${c.grade ? html`${percent(c.grade.percent)}${c.grade.grade ? html` (${c.grade.grade})` : ''} <small>${c.grade.source === 'erpnext' ? 'in ERPNext' : 'Moodle, not yet synced'}</small>` : ''}</td>
<td>${c.attendance.present}/${c.attendance.absent}/${c.attendance.leave}${c.attendance.rate === undefined ? '' : html` <small>${percent(c.attendance.rate)}</small>`}</td></tr>`,
  );
  const invoices = report.invoices.map(
    (i) => html`<tr><td class="mono">${i.name}${i.creditNote ? html` <small>credit note${i.returnAgainst ? html` for ${i.returnAgainst}` : ''}</small>` : ''}</td><td>${i.postingDate ?? ''}</td><td>${i.dueDate ?? ''}</td>
<td class="${i.status === 'Paid' ? 'ok' : i.status === 'Overdue' ? 'failed' : ''}">${i.status ?? ''}</td><td class="num">${money(i.grandTotal)}</td><td class="num">${money(i.outstanding)}</td></tr>`,
  );
  return html`<section id="identity"><h2>ERPNext and Moodle</h2>
<table><tbody>
<tr><th>Student</th><td class="mono">${s.name}</td></tr>
<tr><th>Name</th><td id="student-name">${[s.firstName, s.lastName].filter(Boolean).join(' ')}</td></tr>
<tr><th>Email</th><td>${s.email ?? ''}</td></tr>
<tr><th>Joined</th><td>${s.joiningDate ?? ''}</td></tr>
<tr><th>Moodle account</th><td id="moodle-account">${account ? html`${account.id}${account.username ? html` (${account.username})` : ''}, last access ${when(account.lastAccess) || 'never'}` : html`<em>none linked</em>`}</td></tr>
</tbody></table></section>
<section id="programs"><h2>Programs (ERPNext)</h2>
${programs.length ? html`<table><thead><tr><th>Program</th><th>Enrollment</th><th>Year</th><th>Term</th><th>Date</th></tr></thead><tbody>${programs}</tbody></table>` : html`<p>No submitted Program Enrollment.</p>`}</section>
<section id="courses"><h2>Courses: ERPNext enrollments beside Moodle enrolments</h2>
${courses.length ? html`<table><thead><tr><th>Course</th><th>Title</th><th>Course Enrollment</th><th>Moodle</th><th>Last access</th><th>Grade</th><th>Present/absent/leave</th></tr></thead><tbody>${courses}</tbody></table>` : html`<p>No courses.</p>`}</section>
<section id="invoices"><h2>Invoices and payment</h2>
${invoices.length ? html`<table><thead><tr><th>Invoice</th><th>Posted</th><th>Due</th><th>Status</th><th>Total</th><th>Outstanding</th></tr></thead><tbody>${invoices}</tbody></table>
<p>Invoiced ${money(report.money.invoiced)}, paid ${money(report.money.paid)}, outstanding ${money(report.money.outstanding)}, credited ${money(report.money.credited)}.</p>` : html`<p>No submitted invoices.</p>`}</section>`;
}

/**
 * `/console/students/<Student>`: the 360° view (the student report of src/reports: ERPNext
 * identity, programs, course enrollments, invoices, beside Moodle's account, enrolments, grades
 * and attendance) and the audit trail of every run that touched them.
 */
export const studentPages: FastifyPluginAsync<ConsoleContext> = async (app, context) => {
  const send = (reply: FastifyReply, title: string, body: Html, code = 200) => reply.code(code).type('text/html; charset=utf-8').send(page(title, body, { current: '/console/students' }));
  const lookup = (value = '') => html`<form method="get" action="/console/students"><label>Student <input name="student" value="${value}" placeholder="EDU-STU-2026-00012" required></label> <button type="submit">Open</button></form>`;

  app.get('/console/students', async (request, reply) => {
    const student = String((request.query as Record<string, unknown>).student ?? '').trim();
    if (student && studentName.test(student)) return reply.redirect(studentHref(student), 303);
    return send(reply, 'Students', html`${student ? html`<p class="error">Not a Student name: ${student}</p>` : ''}${lookup(student)}`, student ? 400 : 200);
  });

  app.get('/console/students/:student', async (request, reply) => {
    const { student } = request.params as { student: string };
    if (!studentName.test(student)) return send(reply, 'Students', html`<p class="error">Not a Student name: ${student}</p>${lookup()}`, 400);
    let view: Html;
    let runs: readonly TrailRun[] | { unavailable: string };
    if (context.reports) {
      let report: StudentReport;
      try {
        report = await buildStudentReport(context.reports, student);
      } catch (err) {
        if (err instanceof ReportNotFound) return send(reply, student, html`<p class="error">ERPNext has no Student ${student}.</p>${lookup(student)}`, 404);
        throw err;
      }
      const oldest = Object.values(report.freshness).sort()[0];
      view = html`${reportSections(report)}<p><small>Read ${when(oldest)} to ${when(report.generatedAt)} (answers are reused for a few minutes).</small> ${actionButton(request, `/console/students/${encodeURIComponent(student)}/refresh`, 'Read again')}</p>`;
      runs = report.runs;
    } else {
      view = html`<p class="notice">This gateway has no Moodle and ERPNext credentials, so only the audit trail is shown.</p>`;
      runs = (await studentTrail(context.temporal, student, { limit: 50 })).runs;
    }
    const trail = Array.isArray(runs) ? trailSection(context, runs) : html`<p class="error">Runs unavailable: ${(runs as { unavailable: string }).unavailable}</p>`;
    return send(reply, `Student ${student}`, html`${view}<section id="trail"><h2>Audit trail</h2>${trail}</section>`);
  });

  // Forgets the cached reads (of every student: the cache is one per gateway) so the next view reads both systems again.
  app.post('/console/students/:student/refresh', async (request, reply) => {
    const { student } = request.params as { student: string };
    context.reports?.cache.clear();
    return reply.redirect(studentName.test(student) ? studentHref(student) : '/console/students', 303);
  });
};
