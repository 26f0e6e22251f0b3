/**
 * The environment a worker process runs in, to bound its memory (issue #12: "worker RSS under
 * 400 MB"). docker-compose.yml sets it on every worker service (test/operations/compose.test.ts
 * keeps the two equal) and the bench's worker process runs in it (bench/support/worker-process.ts),
 * so the bench measures the worker as it is deployed.
 *
 * Why these, measured with `bench backfill` at 2,000 students (worker process alone, smaps):
 * - Most of the RSS was V8 heap the main thread does not report: the workflow thread runs its own
 *   isolate, whose heap limit, like the main one's, follows the machine's memory (about 4 GB on
 *   24 GB). With that much room V8 collects late, and the isolate grew to about 280 MB of mostly
 *   garbage; the main heap stayed at 50–65 MB used. `--max-old-space-size` applies to every
 *   isolate of the process, so 160 MB holds both (the SDK offers no per-thread limit); the live
 *   set, including the 250 cached runs (task-queue-workers.ts), stays well below it. Without it:
 *   541 MB; with it: 408 MB, same wall time.
 * - `--max-semi-space-size=4` (MB) shrinks each isolate's young generation from 16 MB semi-spaces:
 *   more, smaller scavenges, which cost no measurable wall time.
 * - `MALLOC_ARENA_MAX=2`: the core's Rust threads and the libuv pool each got a glibc malloc arena;
 *   two arenas took about 30 MB off the rest (native memory, about 150 MB at peak).
 * All three together: 318 MB at 2,000 students, wall 54.9 s against 55.0 s without.
 * A live set that outgrows the limit ends the process with V8's "heap out of memory"; Temporal
 * hands its work to the other workers, and compose restarts it (`restart: unless-stopped`).
 */
export const workerMemoryEnvironment = {
  NODE_OPTIONS: '--max-old-space-size=160 --max-semi-space-size=4',
  MALLOC_ARENA_MAX: '2',
} as const;
