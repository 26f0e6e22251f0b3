import type { TrailRun } from '../operations/trail';
import type { ConsoleContext } from './context';
import { html, type Html } from './html';
import { runCell, statusCell, when } from './run-cells';

/** The audit trail (src/operations/trail.ts): each run, what started it, its decisions and every call, newest run first. */
export function trailSection(context: ConsoleContext, runs: readonly TrailRun[]): Html {
  if (runs.length === 0) return html`<p>No Campus Bridge run has touched this student.</p>`;
  const sections = [...runs].reverse().map((run) => {
    const calls = run.calls.map(
      (c) => html`<tr><td>${c.system}</td><td class="mono">${c.activity}</td><td class="${c.outcome === 'completed' ? 'ok' : c.outcome === 'pending' ? 'waiting' : 'failed'}">${c.outcome}${c.failureType ? html` (<code>${c.failureType}</code>)` : ''}</td><td class="num">${c.attempts}</td><td>${when(c.at)}</td></tr>`,
    );
    return html`<article class="run" data-workflow-id="${run.workflowId}">
<h3>${runCell(context, run.workflowId, run.runId)} <small>${run.workflowType}</small> ${statusCell(run.status)}</h3>
<p>Started ${when(run.startedAt)}${run.closedAt ? html`, ended ${when(run.closedAt)}` : ''} · by ${run.trigger}</p>
<ul>${run.decisions.length ? run.decisions.map((d) => html`<li>${d}</li>`) : html`<li>(no decision recorded)</li>`}</ul>
${calls.length ? html`<details><summary>${calls.length} call(s) to Moodle, ERPNext and Temporal</summary><table><thead><tr><th>System</th><th>Call</th><th>Outcome</th><th>Attempts</th><th>At</th></tr></thead><tbody>${calls}</tbody></table></details>` : ''}
</article>`;
  });
  return html`${sections}`;
}
