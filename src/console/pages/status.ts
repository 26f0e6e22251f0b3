import type { FastifyPluginAsync } from 'fastify';
import { operationsStatus } from '../../operations/status';
import type { ConsoleContext } from '../context';
import { html } from '../html';
import { page } from '../layout';
import { runCell, studentCell, when } from '../run-cells';

/** `/console`: the tables of `campus-bridge status` (the same function), with links. */
export const statusPage: FastifyPluginAsync<ConsoleContext> = async (app, context) => {
  app.get('/console', async (_request, reply) => {
    const status = await operationsStatus(context.temporal);
    const processes = status.processes.map(
      (p) => html`<tr><td>${p.workflowType}</td><td class="num ok">${p.ok}</td><td class="num${p.failed ? ' failed' : ''}">${p.failed}</td><td class="num${p.waiting ? ' waiting' : ''}">${p.waiting}</td><td class="num">${p.running}</td>
<td>${p.recentFailures.map((f) => html`${runCell(context, f.workflowId)} <small>${when(f.closedAt)}</small><br>`)}</td></tr>`,
    );
    const waiting = status.waiting.map(
      (w) => html`<tr><td>${runCell(context, w.workflowId)}</td><td>${w.workflowType}</td><td>${studentCell(w.student)}</td><td>${when(w.since)}</td><td>${w.on}</td></tr>`,
    );
    const schedules = status.schedules.map(
      (s) => html`<tr><td class="mono">${s.scheduleId}</td><td>${s.workflowType ?? ''}</td><td>${s.paused ? 'yes' : 'no'}</td><td>${when(s.nextRun)}</td><td>${when(s.lastRun)}</td></tr>`,
    );
    const body = html`<p>Runs started since ${when(status.since)} and every open run. <a href="/console/conflicts">Parked conflicts</a> · <a href="/console/failed">Failed runs</a></p>
<h2>Runs by process</h2>
${processes.length ? html`<table id="processes"><thead><tr><th>Process</th><th>ok</th><th>failed</th><th>waiting</th><th>running</th><th>Newest failures</th></tr></thead><tbody>${processes}</tbody></table>` : html`<p>No runs.</p>`}
<h2>Waiting on a person</h2>
${waiting.length ? html`<table id="waiting"><thead><tr><th>Run</th><th>Process</th><th>Student</th><th>Since</th><th>Waits on</th></tr></thead><tbody>${waiting}</tbody></table>` : html`<p>None.</p>`}
<h2>Schedules</h2>
${schedules.length ? html`<table id="schedules"><thead><tr><th>Schedule</th><th>Workflow</th><th>Paused</th><th>Next run</th><th>Last run</th></tr></thead><tbody>${schedules}</tbody></table>` : html`<p>None.</p>`}`;
    return reply.type('text/html; charset=utf-8').send(page('Status', body, { current: '/console' }));
  });
};
