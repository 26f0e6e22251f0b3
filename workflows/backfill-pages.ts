import type { BackfillPage } from '../activities/backfill-erpnext';
import { backfillActivities } from './backfill-activities';
import { failedAt, type BackfillBatchInput, type BackfillIssue } from './backfill-batch';
import type { BackfillInput, BackfillState } from './backfill';

/** What the next batch is given: its Students or the bounds of its page (null: none left), and the Students the read could not parse. */
export interface NextBatch {
  students: Pick<BackfillBatchInput, 'students' | 'page'> | null;
  unread: BackfillIssue[];
}

/**
 * The next batch's Students, moving the run's place among them (`cursor`, or `offset` into the
 * named Students). Paging through every Student in a run with `batchesReadPages`, the parent reads
 * only where the page ends and the batch reads its Students itself: a hundred Students with their
 * profiles made some 60 KB of the parent's history a batch, twice (the page read and the child's
 * input), and 100 batches a run came to about 7 MB. A re-run by name, and runs recorded before,
 * read the Students here.
 */
export async function nextBatch(input: Pick<BackfillInput, 'students' | 'retry'>, state: BackfillState, batchSize: number, batchesReadPages: boolean): Promise<NextBatch> {
  const { erpnext } = backfillActivities(input.retry);
  if (batchesReadPages && !input.students) {
    const after = state.cursor;
    const bounds = await erpnext.erpnextBackfillPageBounds({ after, size: batchSize });
    state.cursor = bounds.next;
    state.exhausted = bounds.next === null;
    return { students: bounds.last === null ? null : { page: { after, upTo: bounds.last } }, unread: [] };
  }
  const page = await readStudents(erpnext, input.students, state, batchSize);
  return { students: page.students.length === 0 ? null : { students: page.students }, unread: page.unreadable.map(failedAt('read')) };
}

type Erpnext = ReturnType<typeof backfillActivities>['erpnext'];

/** The next named Students, or the next page of every Student, read with their programs. */
async function readStudents(erpnext: Erpnext, named: string[] | undefined, state: BackfillState, batchSize: number): Promise<BackfillPage> {
  if (named) {
    const names = named.slice(state.offset, state.offset + batchSize);
    state.offset += names.length;
    state.exhausted = state.offset >= named.length;
    return names.length === 0 ? { students: [], unreadable: [], next: null } : erpnext.erpnextBackfillPage({ after: null, size: batchSize, names });
  }
  const page = await erpnext.erpnextBackfillPage({ after: state.cursor, size: batchSize });
  state.cursor = page.next;
  state.exhausted = page.next === null;
  return page;
}
