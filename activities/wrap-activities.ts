/** A factory's activities: named async functions, as Worker.create takes them. */
export type AsyncFunctions = Record<string, (...args: never[]) => Promise<unknown>>;

/**
 * Runs every activity of a factory inside `around`, which calls `call` to run the activity itself.
 * Temporal's activity interceptors would do this for the whole worker; a factory's own wrappers
 * (failure mapping, heartbeats, wait reports) apply to its own activities only, in an order the
 * factory chooses.
 */
export function wrapActivities<T extends AsyncFunctions>(activities: T, around: (call: () => Promise<unknown>) => Promise<unknown>): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(activities)) {
    wrapped[name] = (...args: never[]) => around(() => fn(...args));
  }
  return wrapped as T;
}
