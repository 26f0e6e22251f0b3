/**
 * Where a course's next incremental read starts: the newest change the read saw, but never past a
 * row it had to skip (student not yet in the Student Group, no idnumber, …). Reads take rows at or
 * after the watermark, so holding it at the earliest skipped row's own time reads that row again
 * on every run until its cause is fixed; the rows after it are read again too, and the unchanged
 * check makes them cost no write.
 *
 * A skipped row without a time (`null`) is read on every run anyway and holds nothing. One whose
 * time is unknown (`undefined`: a result recorded before skips carried their time, met while
 * replaying) holds the watermark where the read began.
 */
export function heldWatermark(read: { watermark: number; since: number }, skippedAt: readonly (number | null | undefined)[]): number {
  let held = read.watermark;
  for (const at of skippedAt) {
    if (at === undefined) return read.since;
    if (at !== null) held = Math.min(held, at);
  }
  return held;
}
