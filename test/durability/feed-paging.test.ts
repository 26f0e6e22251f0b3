import type { WorkflowBundle } from '@temporalio/worker';
import { mappingSchema } from '../../src/config/mapping-file';
import { taskQueues } from '../../src/common/task-queues';
import { workflowIds } from '../../src/common/workflow-ids';
import type { FeedDocument, WatchedDoctype } from '../../src/common/watched-doctypes';
import { changeFeedInput } from '../../src/starters/change-feed-schedule';
import type { changeFeed } from '../../workflows/change-feed';
import { bundleWorkflows, connectTestEnv, withWorkers, type TemporalTestEnv } from '../support/temporal';
import { runsOf } from './feed-support';

/**
 * More rows inside the overlap margin than one run pages through (20 pages): the run continues as
 * new and the continued run resumes where the listing stopped. Before the cursor carried that
 * position, each continued run listed again from the margin, found only rows it had seen, filled
 * its 20 pages and continued as new again, for ever.
 *
 * The ERPNext side is an in-memory list with the real listing's contract (modified at or after
 * `since`, oldest first, ties by name, `skip` then `limit`), so the test is about the workflow's
 * paging alone; the feed's starts are real child starts on the dev server.
 */
let env: TemporalTestEnv;
let bundle: WorkflowBundle;

beforeAll(async () => {
  env = await connectTestEnv();
  bundle = await bundleWorkflows(require.resolve('./feed-paging-workflows'));
}, 120_000);
afterAll(async () => {
  await env?.close();
});

/** 45 Students saved within one second, after the feed's first run; every fifth not yet onboarded (its after_insert lost). */
const stampAt = (ms: number) => `2026-09-01 10:00:00.${String(ms).padStart(3, '0')}000`;
const students: FeedDocument[] = Array.from({ length: 45 }, (_, i) => ({ name: `EDU-STU-2026-${String(i + 1).padStart(5, '0')}`, modified: stampAt(100 + i * 10), moodleLinked: i % 5 !== 4 }) as FeedDocument);
const unlinked = students.filter((s) => !s.moodleLinked).map((s) => workflowIds.onboard(s.name));
const marker: FeedDocument = { name: 'EDU-STU-2026-00000', modified: stampAt(0), moodleLinked: true } as FeedDocument;

it('pages past a margin holding more rows than a run pages, acts on each row once, and reports across continue-as-new', async () => {
  let rows: FeedDocument[] = [marker];
  const listed: number[] = [];
  let previous: unknown;
  const erpnext = {
    async erpnextNewestModified(doctype: WatchedDoctype) {
      return doctype === 'Student' ? rows[rows.length - 1].modified : null;
    },
    async erpnextChangedDocuments(request: { doctype: WatchedDoctype; since: string | null; skip: number; limit: number }) {
      if (request.doctype !== 'Student') return [];
      const page = rows.filter((row) => request.since === null || row.modified >= request.since).slice(request.skip, request.skip + request.limit);
      listed.push(page.length);
      return page;
    },
    async erpnextExistingCourseEnrollments() {
      return [];
    },
  };
  const workflows = {
    async temporalLastChangeFeedResult() {
      return previous;
    },
    async temporalCourseEnrollmentsEnrolled() {
      return [];
    },
    async temporalCourseEnrollmentLinks() {
      return [];
    },
  };
  // One row per page and a margin covering every save.
  const input = { ...changeFeedInput(mappingSchema.parse({ changeFeed: { overlap: '10m' } })), pageSize: 1 };
  const feed = (suffix: string) =>
    env.client.workflow.start<typeof changeFeed>('changeFeed', { workflowId: workflowIds.changeFeed(suffix), taskQueue: taskQueues.workflows, args: [input] });

  await withWorkers(env, { workflowBundle: bundle, erpnext, workflows }, async () => {
    // The first run marks where the feed starts.
    previous = await (await feed('paging-first')).result();
    rows = [marker, ...students];
    listed.length = 0;
    const second = await feed('paging-second');
    const result = await second.result();

    // 46 rows in the margin (the marker, seen, and the 45 saves) at one a page: three runs of at most 20 pages.
    expect(await runsOf(env.client, second.workflowId)).toBe(3);
    expect(listed.filter((n) => n > 0).length).toBe(46);
    // The report is the whole chain's: each run carries it on, so the onboardings the feed caught
    // in the first two runs are still counted by the last (how operators learn webhooks fail).
    expect(result.report).toMatchObject({ signalled: 45, caught: unlinked.length, caughtWorkflowIds: unlinked, alreadyHandled: 0 });
    expect(result.cursors.Student).toEqual({ watermark: students[44].modified, seen: [marker, ...students].map((row) => `${row.modified}|${row.name}`).sort() });
  });
}, 90_000);
