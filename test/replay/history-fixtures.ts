import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * One recorded workflow history, as a fixture file: `workflowId` and `history` are exactly what
 * `Worker.runReplayHistories` takes (history in the proto-JSON form of `historyToJSON` and
 * `temporal workflow show --output json`); the rest says what it is and where it came from.
 */
export interface HistoryFixture {
  workflowId: string;
  workflowType: string;
  scenario: Scenario;
  /** The commit (and whether the tree had uncommitted changes) whose workflow code made the history. */
  recordedFrom: string;
  history: { events: HistoryEvent[] };
}

/** An event in proto-JSON form: `eventType` plus exactly one `<name>EventAttributes` object. */
export type HistoryEvent = { eventId: string; eventType: string } & Record<string, unknown>;

/**
 * The situations a history is recorded in:
 * - `happy`: the run went through without a fault;
 * - `conflict` / `conflict-skip`: onboarding parked on an identity conflict, resolved by the operator's update;
 * - `retry`: a sandbox fault made at least one activity attempt fail and be retried;
 * - `continue-as-new`: the run ended by continuing as new;
 * - `continued`: the run that a continue-as-new started, from the carried state;
 * - `covered`: a Course Enrollment change that its Program Enrollment's workflow handles;
 * - `parked`: the mass-change breaker parked the run until the operator's go-ahead (an update);
 * - `writes`: a backfill batch that wrote back links, handing the profile baselines over in one activity;
 * - `writes-children`: the same before that activity, each baseline handed over as a child workflow;
 * - `after-onboarding`: an admission's enrolment event delivered after its onboarding completed,
 *   answered from what the onboarding covered (a local activity's marker, no activity task);
 * - `during-onboarding`: a profile whose first sync found its student's onboarding still running and
 *   left the account to it, asking Temporal before reading either system;
 * - `pages-in-parent`: a backfill as the code before `backfill-wider-runs` ran it, reading each
 *   batch's Students itself and handing them to the batch;
 * - `students-given`: a backfill batch of that code, given its Students instead of reading its page.
 */
export const scenarios = ['happy', 'conflict', 'conflict-skip', 'retry', 'continue-as-new', 'continued', 'covered', 'parked', 'writes', 'writes-children', 'after-onboarding', 'during-onboarding', 'pages-in-parent', 'students-given'] as const;
export type Scenario = (typeof scenarios)[number];

export const historiesDir = path.join(__dirname, 'histories');

export const fixtureFileName = (workflowType: string, scenario: Scenario): string => `${workflowType}-${scenario}.json`;

export function loadHistoryFixtures(): { file: string; fixture: HistoryFixture }[] {
  return readdirSync(historiesDir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({ file, fixture: JSON.parse(readFileSync(path.join(historiesDir, file), 'utf8')) as HistoryFixture }));
}

/** The event's kind, from its attributes key (`activityTaskStarted`), whichever enum spelling `eventType` uses. */
export function eventKind(event: HistoryEvent): string {
  const key = Object.keys(event).find((k) => k.endsWith('EventAttributes'));
  return key ? key.slice(0, -'EventAttributes'.length) : '';
}

function attributes(event: HistoryEvent): Record<string, unknown> {
  return (event[`${eventKind(event)}EventAttributes`] ?? {}) as Record<string, unknown>;
}

export function historyWorkflowType(history: HistoryFixture['history']): string | undefined {
  const [started] = history.events;
  const type = started && eventKind(started) === 'workflowExecutionStarted' ? (attributes(started).workflowType as { name?: string } | undefined) : undefined;
  return type?.name;
}

/**
 * Why a history does not show its scenario, or null when it does; the recorder refuses to write
 * such a fixture and the replay test refuses to count it, so a fixture always is what its name says.
 */
export function scenarioMismatch(scenario: Scenario, history: HistoryFixture['history']): string | null {
  const kinds = history.events.map(eventKind);
  const last = kinds.at(-1);
  const startedFrom = history.events[0] ? attributes(history.events[0]).continuedExecutionRunId : undefined;
  const scheduled = history.events.flatMap((e) => (eventKind(e) === 'activityTaskScheduled' ? [(attributes(e).activityType as { name?: string } | undefined)?.name] : []));
  switch (scenario) {
    case 'retry':
      return history.events.some((e) => eventKind(e) === 'activityTaskStarted' && Number(attributes(e).attempt ?? 1) > 1) ? null : 'no activity attempt after the first';
    case 'conflict':
    case 'conflict-skip':
    case 'parked':
      return kinds.includes('workflowExecutionUpdateAccepted') ? null : 'no accepted update (the operator decision)';
    case 'continue-as-new':
      return last === 'workflowExecutionContinuedAsNew' ? null : `ends with ${last}, not a continue-as-new`;
    case 'continued':
      return startedFrom ? null : 'was not started by a continue-as-new';
    case 'writes':
    case 'writes-children': {
      if (!scheduled.includes('erpnextBackfillWriteLinks')) return 'no write-back';
      if (scenario === 'writes') return scheduled.includes('temporalShareProfileBaselines') ? null : 'no baselines handed over by activity';
      return kinds.includes('startChildWorkflowExecutionInitiated') ? null : 'no baseline handed over as a child';
    }
    case 'after-onboarding':
      if (kinds.includes('activityTaskScheduled')) return 'an activity task was scheduled';
      return kinds.includes('markerRecorded') && last === 'workflowExecutionCompleted' ? null : 'no local activity, or the run did not complete';
    case 'during-onboarding': {
      const [firstActivity] = scheduled;
      return firstActivity === 'temporalOnboardingState' ? null : `the first activity was ${firstActivity ?? 'none'}, not the ask of how onboarding stands`;
    }
    case 'pages-in-parent':
      if (scheduled.includes('erpnextBackfillPageBounds')) return 'the parent read page bounds, as a run after backfill-wider-runs does';
      return scheduled.includes('erpnextBackfillPage') ? null : 'the parent read no page of Students';
    case 'students-given':
      return scheduled.includes('erpnextBackfillPage') ? 'the batch read its own page' : null;
    case 'happy':
    case 'covered':
      return kinds.includes('workflowExecutionFailed') ? 'the run failed' : null;
  }
}
