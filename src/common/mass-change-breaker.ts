/**
 * The mass-change circuit breaker: a run that would change many records at once (reconcile's
 * heal, later backfill, the change feed or a grade sync) first asks whether the share is
 * plausible. A wrong mapping file or a half-restored database looks exactly like "everything
 * drifted", and healing it would rewrite the whole institution; past the limits the run parks
 * until an operator, shown the numbers, says go. Pure and workflow-safe.
 */

export interface MassChangeLimits {
  /** More changes than this always need a go-ahead. */
  maxChanges: number;
  /** Nor may the changes exceed this share (0..1) of the records looked at. */
  maxShare: number;
}

/** Ten records, or a fifth of them, whichever is reached first: a normal day heals a handful. */
export const defaultMassChangeLimits: MassChangeLimits = { maxChanges: 10, maxShare: 0.2 };

export type MassChangeVerdict =
  | { proceed: true; changes: number; total: number }
  | { proceed: false; changes: number; total: number; reason: string };

export function massChangeVerdict(changes: number, total: number, limits: MassChangeLimits = defaultMassChangeLimits): MassChangeVerdict {
  if (changes > limits.maxChanges) {
    return { proceed: false, changes, total, reason: `${changes} changes exceed the limit of ${limits.maxChanges}` };
  }
  // A share only means something once there is a population: 2 of 3 records is not a mass change.
  if (total > 0 && changes > 1 && changes / total > limits.maxShare) {
    const share = Math.round((changes / total) * 100);
    return { proceed: false, changes, total, reason: `${changes} of ${total} records (${share}%) exceed the share of ${Math.round(limits.maxShare * 100)}%` };
  }
  return { proceed: true, changes, total };
}
