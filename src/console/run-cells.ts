import type { ConsoleContext } from './context';
import { html, type Html } from './html';
import { runLink, workflowIdLink } from './temporal-links';

/** Small pieces several pages render the same way: a run's link into the Web UI, a student's page, a status. */

/** The workflow id, linking to the run's history in the Temporal Web UI (or to its runs when the run is not known). */
export function runCell(context: ConsoleContext, workflowId: string, runId?: string): Html {
  const href = runId ? runLink(context.temporalUi, workflowId, runId) : workflowIdLink(context.temporalUi, workflowId);
  return html`<a class="mono temporal-ui" href="${href}" rel="noreferrer">${workflowId}</a>`;
}

export const studentHref = (student: string) => `/console/students/${encodeURIComponent(student)}`;

export function studentCell(student: string | undefined): Html {
  return student ? html`<a href="${studentHref(student)}">${student}</a>` : html``;
}

const statusClass: Record<string, string> = { COMPLETED: 'ok', CONTINUED_AS_NEW: 'ok', FAILED: 'failed', TIMED_OUT: 'failed', TERMINATED: 'failed', CANCELLED: 'failed', RUNNING: 'waiting' };

export function statusCell(status: string): Html {
  return html`<span class="${statusClass[status] ?? ''}">${status}</span>`;
}

/** ISO times shortened to the minute, UTC, which is what the CLI and Temporal show too. */
export const when = (iso: string | undefined) => (iso ? iso.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, 'Z') : '');
