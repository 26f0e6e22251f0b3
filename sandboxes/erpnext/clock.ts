/**
 * The sandbox's notion of "now". Frappe stamps `creation`/`modified` with microseconds and the
 * optimistic lock compares them as strings, so stamps are kept strictly increasing even when two
 * saves fall in the same millisecond. `/__sandbox/time` can pin "today" for date rules.
 */
export interface Clock {
  now(): Date;
  /** `YYYY-MM-DD HH:MM:SS.ffffff` (UTC), strictly increasing. */
  timestamp(): string;
  /** `YYYY-MM-DD` (UTC). */
  today(): string;
  /** Pins the clock at `at` (advancing with real time from there); undefined returns to real time. */
  set(at: Date | undefined): void;
}

export function createClock(initial?: Date): Clock {
  let offsetMs = initial ? initial.getTime() - Date.now() : 0;
  let lastMicros = 0;
  const now = () => new Date(Date.now() + offsetMs);
  return {
    now,
    timestamp() {
      const micros = Math.max(now().getTime() * 1000, lastMicros + 1);
      lastMicros = micros;
      const date = new Date(Math.floor(micros / 1000));
      const fraction = String(micros % 1_000_000).padStart(6, '0');
      return `${date.toISOString().slice(0, 10)} ${date.toISOString().slice(11, 19)}.${fraction}`;
    },
    today: () => now().toISOString().slice(0, 10),
    set(at) {
      offsetMs = at ? at.getTime() - Date.now() : 0;
      lastMicros = 0;
    },
  };
}
