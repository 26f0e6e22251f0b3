import { continueAsNew, defineQuery, metricMeter, patched, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { ChangeFeedReadActivities } from '../activities/change-feed-reads';
import type { ErpnextChangeFeedActivities } from '../activities/erpnext-change-feed';
import type { LifecyclePolicy } from '../src/mapping/lifecycle-policy';
import { taskQueues } from '../src/common/task-queues';
import { watchedDoctypes, type WatchedDoctype } from '../src/common/watched-doctypes';
import { changeFeedActivityOptions } from './activity-options';
import { courseWithdrawalStart, feedStarts, startFeedRun, type FeedRosterDefaults, type FeedStart } from './change-feed-events';
import { rosterDoctypes } from '../src/common/roster-ids';
import { advanced, listFrom, seenKey, type FeedCursor } from './change-feed-cursor';
import { showActivityWaits } from './waiting-on';

const erpnext = proxyActivities<ErpnextChangeFeedActivities>({ ...changeFeedActivityOptions, taskQueue: taskQueues.erpnext });
const temporal = proxyActivities<ChangeFeedReadActivities>({ ...changeFeedActivityOptions, taskQueue: taskQueues.workflows });

export interface ChangeFeedInput {
  /** What the started lifecycle runs decide with, as the gateway passes it. */
  policy: LifecyclePolicy;
  /** How far before the watermark each listing starts: clock skew between ERPNext's workers, same-second writes, late commits. */
  overlapMs: number;
  /** Rows per ERPNext list request. */
  pageSize: number;
  /** How often deleted Course Enrollments are looked for (a visibility list and a check of every enrolled one). */
  deletionCheckIntervalMs: number;
  /** Roster provisioning's settings; without them (a feed started before issue 13) the roster DocTypes are not listed. */
  roster?: FeedRosterDefaults;
}

export interface ChangeFeedState {
  cursors: Partial<Record<WatchedDoctype, FeedCursor>>;
  /** Workflow time of the last deletion check, ms. */
  deletionsCheckedAt: number | null;
}

export interface ChangeFeedReport {
  /** Runs the feed started that no webhook had: how operators learn webhooks are being lost. */
  caught: number;
  /** The first of their workflow ids (at most 100). */
  caughtWorkflowIds: string[];
  alreadyHandled: number;
  signalled: number;
  rowsListed: number;
}

export interface ChangeFeedResult extends ChangeFeedState {
  report: ChangeFeedReport;
}

/** The run's report so far (a continued run carries it on). */
export const changeFeedReportQuery = defineQuery<ChangeFeedReport>('changeFeedReport');

const caughtIdsKept = 100;
/** Child starts issued together: one workflow task's worth, not a whole page's. */
const startsAtOnce = 50;
/** ERPNext pages per run before continuing as new, so a long backlog never grows one history. */
const pagesPerRun = 20;

/** Created inside the run: the workflow metric meter exists only in a workflow context (metrics are not emitted during replay). */
const caughtCounter = () => metricMeter.createCounter('campus_bridge_change_feed_caught', 'runs', 'Lifecycle runs the change feed started that no webhook had');

function emptyReport(): ChangeFeedReport {
  return { caught: 0, caughtWorkflowIds: [], alreadyHandled: 0, signalled: 0, rowsListed: 0 };
}

/** Starts the runs for one batch of events side by side (independent documents) and counts what came of them. */
async function startAll(report: ChangeFeedReport, runs: FeedStart[]): Promise<void> {
  const startEach = (some: FeedStart[]) => Promise.all(some.map(async (run) => ({ run, outcome: await startFeedRun(run) })));
  // The lifecycle runs exist before the profile workflows start: a profile sync that found no
  // onboarding would start it itself, and the feed would count a run it caught as handled (seen
  // for 12 of 200 Students in the feed-only chaos scenario at full size).
  const outcomes = patched('feed-starts-lifecycle-before-profile')
    ? [...(await startEach(runs.filter((run) => run.kind === 'once'))), ...(await startEach(runs.filter((run) => run.kind === 'profile')))]
    : await startEach(runs);
  for (const { run, outcome } of outcomes) {
    if (outcome === 'signalled') report.signalled++;
    else if (outcome === 'handled') report.alreadyHandled++;
    else if (run.kind === 'once') {
      report.caught++;
      if (report.caughtWorkflowIds.length < caughtIdsKept) report.caughtWorkflowIds.push(run.workflowId);
      caughtCounter().add(1);
    }
  }
}

function previousState(result: unknown): ChangeFeedState {
  const previous = result as Partial<ChangeFeedResult> | undefined;
  return { cursors: previous?.cursors ?? {}, deletionsCheckedAt: previous?.deletionsCheckedAt ?? null };
}

/**
 * The guarantee behind the webhooks: run by a Schedule (every minute by default), it lists per
 * watched DocType the documents modified since its watermark and starts or signals exactly the
 * workflows their webhooks would have, through the gateway's own starter, so an event seen by
 * both is handled once. Deleted Course Enrollments leave no row, so they are found by comparing
 * what `enrollCourse` runs enrolled with the Course Enrollments that still exist. The watermark
 * lives in Temporal only: the run's state, carried across continue-as-new, and its result, which
 * the next Schedule run reads back.
 */
export async function changeFeed(input: ChangeFeedInput, carried?: ChangeFeedResult): Promise<ChangeFeedResult> {
  showActivityWaits();
  const report = carried?.report ?? emptyReport();
  setHandler(changeFeedReportQuery, () => report);
  const state = carried ? previousState(carried) : previousState(await temporal.temporalLastChangeFeedResult());
  let pages = 0;
  const continued = () => continueAsNew<typeof changeFeed>(input, { ...state, report });

  for (const doctype of watchedDoctypes) {
    if (!input.roster && (rosterDoctypes as readonly string[]).includes(doctype)) continue;
    let cursor = state.cursors[doctype];
    // A feed that never ran starts from now: what came before is the webhooks' (or an initial
    // import's). The rows inside the margin count as seen, so "now" is exact.
    const fromNow = cursor === undefined || cursor.resume?.marking === true;
    if (cursor === undefined) cursor = { watermark: await erpnext.erpnextNewestModified(doctype), seen: [] };
    const seen = new Set<string>(cursor.seen);
    let watermark = cursor.watermark;
    let since = cursor.resume ? cursor.resume.since : listFrom(cursor, input.overlapMs);
    let skip = cursor.resume?.skip ?? 0;
    for (;;) {
      const rows = await erpnext.erpnextChangedDocuments({ doctype, since, skip, limit: input.pageSize });
      report.rowsListed += rows.length;
      const fresh = rows.filter((row) => !seen.has(seenKey(row)));
      const runs = fromNow ? [] : fresh.flatMap((doc) => feedStarts[doctype](doc, input.policy, input.roster));
      for (let i = 0; i < runs.length; i += startsAtOnce) await startAll(report, runs.slice(i, i + startsAtOnce));
      for (const row of fresh) seen.add(seenKey(row));
      if (rows.length === 0) break;
      // Keyset paging: the next page starts at the last stamp, past the rows already listed at it.
      const last = rows[rows.length - 1].modified;
      const atLast = rows.filter((row) => row.modified === last).length;
      skip = last === since ? skip + atLast : atLast;
      since = last;
      if (watermark === null || last > watermark) watermark = last;
      state.cursors[doctype] = advanced(watermark, seen, input.overlapMs);
      if (rows.length < input.pageSize) break;
      if (++pages >= pagesPerRun || workflowInfo().continueAsNewSuggested) {
        state.cursors[doctype] = { ...state.cursors[doctype]!, resume: { since, skip, ...(fromNow && { marking: true }) } };
        return continued();
      }
    }
    state.cursors[doctype] = advanced(watermark, seen, input.overlapMs);
  }

  if (state.deletionsCheckedAt === null || Date.now() - state.deletionsCheckedAt >= input.deletionCheckIntervalMs) {
    const enrolled = await temporal.temporalCourseEnrollmentsEnrolled();
    if (enrolled.length > 0) {
      const existing = new Set(await erpnext.erpnextExistingCourseEnrollments(enrolled.map((e) => e.courseEnrollment)));
      const deleted = await temporal.temporalCourseEnrollmentLinks(enrolled.filter((e) => !existing.has(e.courseEnrollment)));
      for (let i = 0; i < deleted.length; i += startsAtOnce) await startAll(report, deleted.slice(i, i + startsAtOnce).map((links) => courseWithdrawalStart(links, input.policy)));
    }
    state.deletionsCheckedAt = Date.now();
  }
  return { ...state, report };
}
