import os from 'node:os';
import { runProgramReportLoad } from '../test/reports/support/program-report-load';
import type { BenchReport } from './run';

/*
 * The program report of a 5,000-student program (issue #16), cold (every read goes to the
 * systems) and warm (the same report again within the cache's TTL), behind both sandboxes' rate
 * limits. Requests, 429s and early retries are what the sandboxes counted. Same code path as
 * test/reports/program-report-load.test.ts, at full size.
 */
const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const students = env('BENCH_REPORT_STUDENTS', 5000);
/** The sandboxes' limit per system, as the backfill bench's. */
const limitPerSecond = env('BENCH_REPORT_LIMIT_RPS', 50);
/** The rate reports pace to: the workers' configured rate, set below the site's limit. */
const pacedPerSecond = env('BENCH_REPORT_PACED_RPS', 40);

export async function run(): Promise<BenchReport> {
  const load = await runProgramReportLoad({ students, limitPerSecond, pacedPerSecond });
  try {
    const { cold, warm } = load;
    const http429 = cold.moodle.answeredWithRetryAfter + cold.erpnext.answeredWithRetryAfter + warm.moodle.answeredWithRetryAfter + warm.erpnext.answeredWithRetryAfter;
    const earlyRetries = cold.moodle.earlyRetries + cold.erpnext.earlyRetries + warm.moodle.earlyRetries + warm.erpnext.earlyRetries;
    const reports = {
      students: cold.report.totals.enrolled,
      coldMs: cold.ms,
      warmMs: warm.ms,
      requests: {
        cold: { moodle: cold.moodle.requests, erpnext: cold.erpnext.requests },
        warm: { moodle: warm.moodle.requests, erpnext: warm.erpnext.requests },
      },
      http429,
      // The sandboxes refuse past their limit, so a request over the limit is a 429: the same count,
      // plus any retry sent before its Retry-After.
      overLimit: http429,
      earlyRetries,
      limitPerSecond,
      pacedPerSecond,
    };
    return {
      name: `reports: program report of ${reports.students} students, cold then warm`,
      figures: {
        coldMs: cold.ms,
        warmMs: warm.ms,
        moodleRequestsCold: cold.moodle.requests,
        erpnextRequestsCold: cold.erpnext.requests,
        moodleRequestsWarm: warm.moodle.requests,
        erpnextRequestsWarm: warm.erpnext.requests,
        http429,
        overLimit: http429,
        earlyRetries,
        atRisk: cold.report.atRisk.length,
        seedMs: load.seedMs,
      },
      conditions: {
        students: reports.students,
        limitPerSecond: `${limitPerSecond} per system (sandbox fixed one-second window, 429 + Retry-After: 1)`,
        pacedPerSecond: `${pacedPerSecond} per system, 4 in flight`,
        cacheTtl: 'default 5 min (warm run within it)',
        moodleReads: 'participants twice and grades once per course, completion once per active student',
        cpus: os.cpus().length,
        load: os.loadavg()[0]!.toFixed(1),
        node: process.version,
      },
      results: { reports },
    };
  } finally {
    await load.close();
  }
}
