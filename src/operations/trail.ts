import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { NeedsOperator } from '../common/search-attributes';

const EventType = temporal.api.enums.v1.EventType;

export interface TrailCall {
  /** Activity type, e.g. `moodleFindUserByIdnumber`; its prefix names the system. */
  activity: string;
  system: 'moodle' | 'erpnext' | 'temporal';
  outcome: 'completed' | 'failed' | 'timed-out' | 'cancelled' | 'pending';
  attempts: number;
  /** The failure's type (e.g. `moodle.invalidparameter`), never its message (which may be sealed or quote personal data). */
  failureType?: string;
  at: string;
}

export interface TrailRun {
  workflowId: string;
  runId: string;
  workflowType: string;
  status: string;
  startedAt: string;
  closedAt?: string;
  /** What started it, in words (from the workflow type and id). */
  trigger: string;
  /** Operator and workflow decisions along the way: parked, operator's answer, the outcome and why. */
  decisions: string[];
  calls: TrailCall[];
}

export interface StudentTrail {
  student: string;
  runs: TrailRun[];
}

const triggers: Record<string, string> = {
  onboardStudent: 'Student after_insert (webhook), a retry or a reconcile heal',
  enrollProgram: 'Program Enrollment on_submit (webhook), a retry or a reconcile heal',
  withdrawProgram: 'Program Enrollment on_cancel (webhook)',
  enrollCourse: 'Course Enrollment after_insert (webhook)',
  withdrawCourse: 'Course Enrollment on_trash (webhook)',
  syncProfile: 'Student on_update (webhook), each save a studentChanged signal',
  syncGrades: 'grade sync (Schedule or on demand)',
  syncAttendance: 'attendance sync (Schedule or on demand)',
};

function systemOf(activity: string): TrailCall['system'] {
  if (activity.startsWith('moodle')) return 'moodle';
  if (activity.startsWith('erpnext')) return 'erpnext';
  return 'temporal';
}

const time = (t: temporal.api.history.v1.IHistoryEvent['eventTime']) => (t?.seconds ? new Date(Number(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1e6)).toISOString() : '');

/** Search attribute payloads are plain JSON (never encoded by the payload codec). */
function searchAttributeValue(payload: temporal.api.common.v1.IPayload | undefined): unknown {
  if (!payload?.data) return undefined;
  try {
    return JSON.parse(Buffer.from(payload.data).toString('utf8'));
  } catch {
    return undefined;
  }
}

/** The decision fields of a lifecycle result (`outcome`, `decision`, courses), in words. */
function resultDecisions(result: unknown): string[] {
  if (typeof result !== 'object' || result === null) return [];
  const r = result as Record<string, unknown>;
  const out: string[] = [];
  if (typeof r.outcome === 'string') out.push(`outcome: ${r.outcome}${typeof r.moodleUserId === 'number' ? ` (Moodle user ${r.moodleUserId})` : ''}`);
  if (typeof r.decision === 'string') out.push(`operator decided: ${r.decision}`);
  for (const key of ['enrolledCourses', 'missingCourses', 'suspendedCourses', 'unenrolledCourses', 'changed'] as const) {
    if (Array.isArray(r[key]) && r[key].length > 0) out.push(`${key}: ${(r[key] as unknown[]).join(', ')}`);
  }
  const last = r.last as Record<string, unknown> | null | undefined;
  if (last && typeof last.outcome === 'string') out.push(`last profile sync: ${last.outcome}${Array.isArray(last.changed) && last.changed.length ? ` (${last.changed.join(', ')})` : ''}`);
  return out;
}

async function trailRun(client: Client, run: WorkflowExecutionInfo): Promise<TrailRun> {
  const handle = client.workflow.getHandle(run.workflowId, run.runId);
  const history = await handle.fetchHistory();
  const calls = new Map<number, TrailCall>();
  const decisions: string[] = [];
  for (const event of history.events ?? []) {
    const id = Number(event.eventId);
    switch (event.eventType) {
      case EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED: {
        const activity = event.activityTaskScheduledEventAttributes?.activityType?.name ?? '?';
        calls.set(id, { activity, system: systemOf(activity), outcome: 'pending', attempts: 1, at: time(event.eventTime) });
        break;
      }
      case EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED: {
        const call = calls.get(Number(event.activityTaskStartedEventAttributes?.scheduledEventId));
        if (call) call.attempts = event.activityTaskStartedEventAttributes?.attempt ?? 1;
        break;
      }
      case EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED: {
        const call = calls.get(Number(event.activityTaskCompletedEventAttributes?.scheduledEventId));
        if (call) call.outcome = 'completed';
        break;
      }
      case EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED: {
        const attrs = event.activityTaskFailedEventAttributes;
        const call = calls.get(Number(attrs?.scheduledEventId));
        if (call) {
          call.outcome = 'failed';
          call.failureType = attrs?.failure?.applicationFailureInfo?.type ?? undefined;
        }
        break;
      }
      case EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT: {
        const call = calls.get(Number(event.activityTaskTimedOutEventAttributes?.scheduledEventId));
        if (call) call.outcome = 'timed-out';
        break;
      }
      case EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED: {
        const call = calls.get(Number(event.activityTaskCanceledEventAttributes?.scheduledEventId));
        if (call) call.outcome = 'cancelled';
        break;
      }
      case EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES: {
        const fields = event.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields ?? {};
        if (NeedsOperator.name in fields) decisions.push(searchAttributeValue(fields[NeedsOperator.name]) === true ? `parked for an operator (${time(event.eventTime)})` : `unparked (${time(event.eventTime)})`);
        break;
      }
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
        decisions.push(`operator update ${event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name ?? ''} accepted (${time(event.eventTime)})`);
        break;
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
        decisions.push(`signal ${event.workflowExecutionSignaledEventAttributes?.signalName ?? ''} (${time(event.eventTime)})`);
        break;
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED: {
        const failure = event.workflowExecutionFailedEventAttributes?.failure;
        decisions.push(`failed${failure?.applicationFailureInfo?.type ? `: ${failure.applicationFailureInfo.type}` : ''}`);
        break;
      }
      default:
        break;
    }
  }
  if (run.status.name === 'COMPLETED') decisions.push(...resultDecisions(await handle.result().catch(() => undefined)));
  return {
    workflowId: run.workflowId,
    runId: run.runId,
    workflowType: run.type,
    status: run.status.name,
    startedAt: run.startTime.toISOString(),
    closedAt: run.closeTime?.toISOString(),
    trigger: triggers[run.type] ?? run.type,
    decisions,
    calls: [...calls.values()],
  };
}

/**
 * Every run that touched one Student (visibility: `StudentId = '<Student>'`), oldest first, each
 * with its trigger, decisions and every Moodle/ERPNext call with its outcome, read from the
 * workflow histories. No database of our own: Temporal already keeps all of it.
 */
export async function studentTrail(client: Client, student: string, options: { limit?: number } = {}): Promise<StudentTrail> {
  if (!/^[\w .@-]+$/.test(student)) throw new Error(`not a Student name: ${JSON.stringify(student)}`);
  const runs: TrailRun[] = [];
  for await (const run of client.workflow.list({ query: `StudentId = '${student}'` })) {
    runs.push(await trailRun(client, run));
    if (runs.length >= (options.limit ?? 100)) break;
  }
  runs.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  return { student, runs };
}
