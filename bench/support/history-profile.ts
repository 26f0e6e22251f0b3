import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

const eventTypeName = (type: temporal.api.enums.v1.EventType | null | undefined) =>
  (temporal.api.enums.v1.EventType[type ?? 0] ?? 'UNKNOWN').replace(/^EVENT_TYPE_/, '').toLowerCase();

function millisOf(event: HistoryEvent): number {
  const time = event.eventTime;
  return Number(time?.seconds ?? 0) * 1000 + Math.floor((time?.nanos ?? 0) / 1e6);
}

/** What a gap ends with: the event type, with the activity it concerns when there is one. */
function labelOf(event: HistoryEvent, activityOf: Map<string, string>): string {
  const type = eventTypeName(event.eventType);
  const scheduled = event.activityTaskScheduledEventAttributes;
  if (scheduled) {
    activityOf.set(String(event.eventId), scheduled.activityType?.name ?? '?');
    return `${type} ${scheduled.activityType?.name ?? '?'}`;
  }
  const id =
    event.activityTaskStartedEventAttributes?.scheduledEventId ??
    event.activityTaskCompletedEventAttributes?.scheduledEventId ??
    event.activityTaskFailedEventAttributes?.scheduledEventId;
  return id === undefined || id === null ? type : `${type} ${activityOf.get(String(id)) ?? '?'}`;
}

export interface HistoryProfileRow {
  /** What the gap ends with, e.g. `activity_task_started moodleCreateStudentUser`. */
  step: string;
  /** Milliseconds from the previous event, summed over the runs and divided by their number: the step's share of a mean run. */
  meanMs: number;
  /** How many of the workflows have it (a step repeated in one workflow counts each time). */
  count: number;
}

/**
 * Where the time of a set of workflow runs goes, read from their histories: each event's distance
 * from the one before, averaged per step. Workflow-task round trips show as the gaps ending in
 * `workflow_task_*` and in each `activity_task_scheduled`; queue waits as those ending in
 * `activity_task_started`; the systems' own time as those ending in `activity_task_completed`.
 */
export async function profileHistories(client: Client, workflowIds: string[]): Promise<HistoryProfileRow[]> {
  const totals = new Map<string, { ms: number; count: number; order: number }>();
  let order = 0;
  for (const workflowId of workflowIds) {
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    const activityOf = new Map<string, string>();
    let previous: number | undefined;
    for (const event of history.events ?? []) {
      const at = millisOf(event);
      const step = labelOf(event, activityOf);
      const total = totals.get(step) ?? { ms: 0, count: 0, order: order++ };
      total.ms += previous === undefined ? 0 : at - previous;
      total.count += 1;
      totals.set(step, total);
      previous = at;
    }
  }
  return [...totals]
    .sort(([, a], [, b]) => a.order - b.order)
    .map(([step, { ms, count }]) => ({ step, meanMs: Math.round((ms / workflowIds.length) * 10) / 10, count }));
}

export interface HistoryTimelineRow {
  /** Milliseconds since `origin` (the webhook's arrival, when the caller knows it). */
  atMs: number;
  /** The event, with the activity it concerns when there is one. */
  event: string;
}

/**
 * One run's history as a timeline: every event at its distance from `origin` (epoch ms; the
 * run's first event without one), so the critical path of a single admission can be read off.
 */
export async function historyTimeline(client: Client, workflowId: string, origin?: number): Promise<HistoryTimelineRow[]> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const events = history.events ?? [];
  const start = origin ?? (events[0] ? millisOf(events[0]) : 0);
  const activityOf = new Map<string, string>();
  // In time order: an activity's started event is written when it completes, after later events.
  return events.map((event) => ({ atMs: millisOf(event) - start, event: labelOf(event, activityOf) })).sort((a, b) => a.atMs - b.atMs);
}
