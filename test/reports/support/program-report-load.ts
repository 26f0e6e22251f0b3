import path from 'node:path';
import { demoTermNow } from '../../../sandboxes/demo-term-activity';
import { startErpnextSandbox, type ErpnextSandbox } from '../../../sandboxes/erpnext';
import { startMoodleSandbox, type MoodleSandbox } from '../../../sandboxes/moodle';
import { loadMapping } from '../../../src/config/mapping-file';
import { createErpnextClient } from '../../../src/erpnext/client';
import { createMoodleClient } from '../../../src/moodle/client';
import { buildProgramReport, type ProgramReport } from '../../../src/reports/program-report';
import { createReportSources } from '../../../src/reports/report-sources';
import { seedLargeProgram, type LargeProgram } from './large-program';

/*
 * One program report of a large cohort, cold and then warm, against both sandboxes behind their
 * own rate limits (fixed one-second windows, 429 with Retry-After past the limit). What the
 * sandboxes counted is the measure: requests per system, 429s given, and retries that came before
 * their Retry-After. Used by test/reports/program-report-load.test.ts (a reduced cohort) and
 * bench/reports.ts (5,000 students).
 */

export interface ProgramReportLoadOptions {
  students: number;
  /** The sandboxes' limit, requests per second per system. */
  limitPerSecond: number;
  /** The rate reports pace themselves to (the workers' configured rate), below the limit. */
  pacedPerSecond: number;
}

/** What one sandbox counted over one report. */
export interface SandboxCounts {
  requests: number;
  /** Answers 429 (past the limit) or 503, each with Retry-After. */
  answeredWithRetryAfter: number;
  /** Requests repeated before their Retry-After had passed. */
  earlyRetries: number;
}

export interface ReportRun {
  ms: number;
  moodle: SandboxCounts;
  erpnext: SandboxCounts;
  report: ProgramReport;
}

export interface ProgramReportLoad {
  cohort: LargeProgram;
  seedMs: number;
  cold: ReportRun;
  warm: ReportRun;
  moodle: MoodleSandbox;
  erpnext: ErpnextSandbox;
  close(): Promise<void>;
}

const json = async <T>(url: string, init?: RequestInit) => (await fetch(url, init)).json() as Promise<T>;

/** The sandbox's request counter and Retry-After ledger, then both reset (re-applying the same fault settings resets the ledger). */
async function takeCounts(url: string): Promise<SandboxCounts> {
  const requests = await json<Record<string, number>>(`${url}/__sandbox/requests`);
  const ledger = await json<{ answeredWithRetryAfter: number; violations: number }>(`${url}/__sandbox/faults/retry-after`);
  const settings = await json<unknown>(`${url}/__sandbox/faults`);
  await fetch(`${url}/__sandbox/requests`, { method: 'DELETE' });
  await fetch(`${url}/__sandbox/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(settings) });
  return { requests: Object.values(requests).reduce((a, b) => a + b, 0), answeredWithRetryAfter: ledger.answeredWithRetryAfter, earlyRetries: ledger.violations };
}

export async function runProgramReportLoad(options: ProgramReportLoadOptions): Promise<ProgramReportLoad> {
  const faults = { rateLimit: { perSecond: options.limitPerSecond, retryAfterSeconds: 1 } };
  const moodle = await startMoodleSandbox({ seed: 'demo', faults });
  const erpnext = await startErpnextSandbox({ seed: 'demo', faults });
  try {
    const seeding = performance.now();
    const cohort = seedLargeProgram({ moodle: moodle.state, erpnext: erpnext.state.site }, { count: options.students });
    const seedMs = Math.round(performance.now() - seeding);

    const sources = createReportSources({
      erpnext: createErpnextClient({ url: erpnext.url, apiKey: 'dev-key', apiSecret: 'dev-secret' }),
      moodle: createMoodleClient({ url: moodle.url, token: 'dev-moodle-token' }),
      mapping: loadMapping(path.resolve(__dirname, '../../../config/mapping.demo.yaml')),
      now: () => demoTermNow,
      rates: { moodle: options.pacedPerSecond, erpnext: options.pacedPerSecond },
    });
    const measure = async (): Promise<ReportRun> => {
      const started = performance.now();
      const report = await buildProgramReport(sources, cohort.program);
      const ms = Math.round(performance.now() - started);
      return { ms, report, moodle: await takeCounts(moodle.url), erpnext: await takeCounts(erpnext.url) };
    };
    await takeCounts(moodle.url);
    await takeCounts(erpnext.url);
    const cold = await measure();
    const warm = await measure();
    return {
      cohort,
      seedMs,
      cold,
      warm,
      moodle,
      erpnext,
      async close() {
        await moodle.close();
        await erpnext.close();
      },
    };
  } catch (error) {
    await moodle.close();
    await erpnext.close();
    throw error;
  }
}
