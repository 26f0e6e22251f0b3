/** One line of `campus-bridge doctor`: what was checked, how it went, and what to do about it. */
export type CheckStatus = 'ok' | 'warning' | 'blocker';

export type CheckArea = 'temporal' | 'moodle' | 'erpnext' | 'mapping' | 'data';

export interface Check {
  area: CheckArea;
  name: string;
  status: CheckStatus;
  detail: string;
  /** What an operator does about a warning or blocker. */
  fix?: string;
}

export const ok = (area: CheckArea, name: string, detail: string): Check => ({ area, name, status: 'ok', detail });
export const warning = (area: CheckArea, name: string, detail: string, fix: string): Check => ({ area, name, status: 'warning', detail, fix });
export const blocker = (area: CheckArea, name: string, detail: string, fix: string): Check => ({ area, name, status: 'blocker', detail, fix });

/** A check that could not run because the system did not answer: a blocker naming the error (never a credential). */
export function unreachable(area: CheckArea, name: string, err: unknown, fix: string): Check {
  return blocker(area, name, err instanceof Error ? err.message : String(err), fix);
}

/** At most `limit` names, then "and N more": enough to find them, short enough for a table cell. */
export function someOf(names: readonly string[], limit = 5): string {
  return names.length <= limit ? names.join(', ') : `${names.slice(0, limit).join(', ')} and ${names.length - limit} more`;
}
