/**
 * Sizes of the backfill, shared by the workflow, its activities and the starters.
 *
 * A batch of 100 students costs about 1,500 form fields in `core_user_create_users` (15 per user,
 * 2 more per custom profile field), far under PHP's `max_input_vars` of 5000 (moodle.md §2), and
 * about 6 s of Moodle work at 55-79 ms per created user (§3), far under an activity's timeout.
 */
export const backfillLimits = {
  batchSize: 100,
  /**
   * Batches in flight at once: three times a small PHP-FPM pool of four. A batch asks Moodle in
   * turns (look-ups, one long create, the enrol) with ERPNext reads and writes and workflow tasks
   * between them, so each keeps a Moodle worker busy well under half its time: with 8 the pool
   * idled (4,050 students in 110 s against a Moodle floor of 82 s), with 12 it took 95 s and with
   * 16 90 s (bench backfill, docs/backfill.md). 12, not 16: the batches Moodle cannot serve yet wait
   * in its queue with their request timeouts running, and a 100-user create (7.9 s on a real
   * Moodle, request-cost.ts) behind two others per worker still ends inside its 30 s.
   */
  parallelism: 12,
  /**
   * Batches per workflow run before it continues as new, so history stays small at any size
   * (about 16 small events a batch: the batches read their own pages). A run waits for its last
   * batches before it continues, and the pool idles while they drain: at 20 a run, 12 in flight
   * drained every few batches (4,050 students: 121 s at 20 a run, 110 s with none, both with 8 in
   * flight). At 100, about 1,600 events a run and one drain per 10,000 students.
   */
  batchesPerRun: 100,
  /**
   * Names per `in` filter of a re-run by id: 50 quoted and URL-encoded Student names make about
   * 1,400 bytes, well under gunicorn's 4094-byte request line (capture 046 passed about 90).
   */
  namesPerRequest: 50,
  /** Records not synced are counted in full but listed only up to this many. */
  listedIssues: 1000,
  /** Rows of a dry run's plan kept for the CSV; the counts always cover every student. */
  planRows: 2000,
} as const;
