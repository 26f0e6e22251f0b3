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
   * Batches in flight at once: twice a small PHP-FPM pool of four, so that while some batches
   * create (one long request each) the others look up, enrol and write back, and the pool never idles.
   */
  parallelism: 8,
  /** Batches per workflow run before it continues as new, so history stays small at any size. */
  batchesPerRun: 20,
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
