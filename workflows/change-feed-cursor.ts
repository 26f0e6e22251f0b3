/*
 * A change feed's place in one DocType, kept in workflow state and in each run's result. Frappe's
 * `modified` text (`YYYY-MM-DD HH:MM:SS.ffffff`, site time) sorts in time order, so it is kept and
 * compared as text; only the overlap margin needs arithmetic.
 */

export interface FeedCursor {
  /** The newest `modified` listed; null while the DocType had no documents. */
  watermark: string | null;
  /** `modified|name` of the rows already acted on inside the overlap margin, so a re-listed row is not acted on twice. */
  seen: string[];
  /**
   * Where a run that continued as new in the middle of this DocType's listing resumes: the keyset
   * position (the last stamp listed and the rows already passed at it). Without it a continued run
   * would list again from the margin, and more than a run's pages of rows inside the margin would
   * make every run re-list the same rows and continue as new for ever. `marking`: the run was
   * the feed's first, which only marks the rows inside the margin as seen.
   */
  resume?: { since: string | null; skip: number; marking?: boolean };
}

export const seenKey = (row: { name: string; modified: string }) => `${row.modified}|${row.name}`;

const stamp = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/;
const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `modified` minus `ms` (the overlap margin), in the same notation; microseconds below the millisecond are dropped, which only widens the margin. */
export function stampMinus(modified: string, ms: number): string {
  const m = stamp.exec(modified);
  if (!m) throw new Error(`not a Frappe datetime: ${modified}`);
  const micros = (m[7] ?? '0').padEnd(6, '0');
  const t = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6], Math.floor(+micros / 1000)) - ms);
  const date = `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
  return `${date} ${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}.${pad(t.getUTCMilliseconds(), 3)}000`;
}

/** Where the next listing starts: the overlap margin before the watermark, so a write committed late with an older stamp is still listed. */
export const listFrom = (cursor: FeedCursor, overlapMs: number): string | null => (cursor.watermark === null ? null : stampMinus(cursor.watermark, overlapMs));

/** The cursor after rows up to `watermark` were acted on: only the seen rows still inside the margin are kept. */
export function advanced(watermark: string | null, seen: Iterable<string>, overlapMs: number): FeedCursor {
  if (watermark === null) return { watermark, seen: [] };
  const from = stampMinus(watermark, overlapMs);
  return { watermark, seen: [...seen].filter((key) => key >= from).sort() };
}
