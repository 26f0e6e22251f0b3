/**
 * What Moodle's batched writes cost, measured on a real Moodle 4.1 (issues 9 and 12): about 25 ms
 * per request, 70–79 ms per user created (bcrypt, context, events, the welcome mail sent inside
 * the request) and 5.5–6.3 ms per enrolment in a batch. The upper figures are used, so a request
 * is never given less time than it needs. A batch of 666 users took ~48 s, past a 30 s timeout,
 * and Moodle went on and committed it, so writes are sized and timed from these figures instead.
 */
const perRequestMs = 25;

interface WriteCost {
  perItemMs: number;
  /** Most items one request carries, so it ends well inside its timeout. */
  maxItems?: number;
}

const writeCosts: Record<string, WriteCost> = {
  // 100 users ≈ 7.9 s: a request that stays short even on a busy site.
  core_user_create_users: { perItemMs: 79, maxItems: 100 },
  enrol_manual_enrol_users: { perItemMs: 6.3 },
  // Not measured; an unenrolment does no more than an enrolment.
  enrol_manual_unenrol_users: { perItemMs: 6.3 },
};

/** Headroom over the expected duration before a request counts as lost. */
const timeoutMargin = 3;

/** The most items of `wsfunction`'s list one request may carry (undefined: only max_input_vars limits it). */
export const maxItemsPerRequest = (wsfunction: string): number | undefined => writeCosts[wsfunction]?.maxItems;

/**
 * The timeout of one request: the configured one, or `timeoutMargin` times the request's expected
 * duration when that is longer.
 */
export function requestTimeoutMs(wsfunction: string, items: number, configuredMs: number): number {
  const cost = writeCosts[wsfunction];
  if (!cost) return configuredMs;
  return Math.max(configuredMs, Math.ceil(timeoutMargin * (perRequestMs + cost.perItemMs * items)));
}
