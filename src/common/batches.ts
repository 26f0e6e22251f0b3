/**
 * Batch sizes of the sync workflows, and the split they use. The ERPNext limit is written here
 * once: the workflows cut their writes to it and the ERPNext client refuses anything larger.
 */

/** Frappe's `frappe.client.insert_many` refuses more than this many documents per call. */
export const erpnextInsertManyLimit = 200;
/** Updates and amendments are one request per document; a batch bounds one activity's duration. */
export const perDocumentBatchSize = 50;
/** Skipped records are counted in full but listed only up to this many per course, to keep history small. */
export const skippedListLimit = 25;

/** Splits work into batches of at most `size` (Frappe's insert_many limit, or one activity's share). */
export function batches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
