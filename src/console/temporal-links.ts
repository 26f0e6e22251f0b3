/**
 * Links into the Temporal Web UI. The paths are the UI's own routes (temporalio/ui
 * `src/lib/utilities/route-for.ts`, read from its source: `routeForEventHistory` is
 * `/namespaces/<ns>/workflows/<encoded id>/<run>/history`, `routeForWorkflows` takes `?query=`).
 * The dev server serves that UI on http://localhost:8233; a deployment sets TEMPORAL_UI_URL.
 */
export interface TemporalUi {
  /** e.g. http://localhost:8233 or https://temporal.example.edu (no trailing slash needed). */
  baseUrl: string;
  namespace: string;
}

const base = (ui: TemporalUi) => `${ui.baseUrl.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(ui.namespace)}`;

/** One run's event history. */
export function runLink(ui: TemporalUi, workflowId: string, runId: string): string {
  return `${base(ui)}/workflows/${encodeURIComponent(workflowId)}/${encodeURIComponent(runId)}/history`;
}

/** Every run of a workflow id (when the run is not known): the UI's list with a visibility query. */
export function workflowIdLink(ui: TemporalUi, workflowId: string): string {
  return `${base(ui)}/workflows?query=${encodeURIComponent(`WorkflowId="${workflowId.replace(/["\\]/g, '\\$&')}"`)}`;
}
