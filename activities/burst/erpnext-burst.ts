import type { ErpnextClient } from '../../src/erpnext/client';
import { createStudents } from '../../src/erpnext/resources/students';
import { erpnextInsertManyLimit } from '../../src/common/batches';
import { writeMoodleUserIds, type LinkWriteBack } from '../backfill-erpnext';
import { createGatherer, type BatchSender, type GathererLimits } from './gatherer';

/** One batch at a time: a small site has two gunicorn workers (issue #12), and reads need the other. */
export const erpnextBurstLimits = {
  writeBack: { maxBatch: erpnextInsertManyLimit, maxInFlight: 1 },
} as const satisfies Record<string, GathererLimits>;

/** ERPNext kept a write-back out of a bulk_update (its failed_docs); the activity retries it. */
export class WriteBackNotSaved extends Error {
  constructor(student: string) {
    super(`ERPNext did not save the Moodle user id on Student ${student} in a batched write-back; it is retried`);
    this.name = 'WriteBackNotSaved';
  }
}

/**
 * The gathered write-back of the Moodle user id (Student.custom_moodle_user_id). Alone it is the
 * PUT it always was; in a burst, the waiting ones go as one `frappe.client.bulk_update` (the
 * backfill's writeMoodleUserIds), where each document saves on its own and fires its on_update
 * exactly as the PUT does, so a refused one fails only its own activity.
 */
export function createErpnextBurst(erp: ErpnextClient, limits: typeof erpnextBurstLimits = erpnextBurstLimits) {
  const students = createStudents(erp);
  const writeBack: BatchSender<LinkWriteBack, void> = async (links, signal) => {
    if (links.length === 1) {
      // Alone it is that activity's own request: its cancellation aborts the PUT.
      await students.setMoodleUserId(links[0]!.student, links[0]!.moodleUserId, signal && { signal });
      return [{ ok: true, value: undefined }];
    }
    const { failed } = await writeMoodleUserIds(erp, links);
    const refused = new Set(failed);
    return links.map((link) => (refused.has(link.student) ? { ok: false, error: new WriteBackNotSaved(link.student) } : { ok: true, value: undefined }));
  };
  return { writeMoodleUserId: createGatherer(writeBack, limits.writeBack) };
}

export type ErpnextBurst = ReturnType<typeof createErpnextBurst>;
