/**
 * Deliveries this gateway already handed to Temporal, with the answer they got, so a repeat of
 * one (Frappe's retry after a lost 202, a re-send from its Webhook Request Log) is answered
 * without another round trip to Temporal.
 *
 * Only once-only starts are kept: for those Temporal's answer to a repeat is the run that already
 * holds the id, which the first answer names. Nothing durable depends on this memory: a fresh
 * gateway, or one whose entry has expired or been pushed out, asks Temporal again. Entries expire
 * after `ttlMs` so that a repeat arriving after the run failed still reaches Temporal, which may
 * start the run again (start-once.ts allows a new run only after a failed one).
 */
export class AcceptedDeliveries<Answer> {
  /** Insertion order is age order: a Map iterates oldest first. */
  private readonly answers = new Map<string, { answer: Answer; expiresAt: number }>();

  constructor(
    private readonly capacity: number,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The answer the delivery got, if this gateway accepted it within the last `ttlMs`. */
  answerFor(key: string): Answer | undefined {
    const entry = this.answers.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.answers.delete(key);
      return undefined;
    }
    return entry.answer;
  }

  /** Call only once Temporal holds the start: a remembered answer is given without asking again. */
  remember(key: string, answer: Answer): void {
    this.answers.delete(key);
    this.answers.set(key, { answer, expiresAt: this.now() + this.ttlMs });
    while (this.answers.size > this.capacity) {
      const oldest = this.answers.keys().next();
      if (oldest.done) break;
      this.answers.delete(oldest.value);
    }
  }

  get size(): number {
    return this.answers.size;
  }
}
