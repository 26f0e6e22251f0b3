import type { Client } from '@temporalio/client';
import type { Mapping } from '../config/mapping-file';
import type { ErpnextClient } from '../erpnext/client';
import type { MoodleClient } from '../moodle/client';
import { studentTrail, type StudentTrail } from '../operations/trail';
import { createErpnextReads, type ErpnextReads } from './erpnext-reads';
import { createMoodleReads, type MoodleReads } from './moodle-reads';
import { createPacedCalls } from './paced-calls';
import { createReportCache, defaultReportCacheTtlMs, type ReportCache } from './report-cache';

/** Everything a report reads through: both systems' paced, cached reads, the runs' trail and the mapping. */
export interface ReportSources {
  erpnext: ErpnextReads;
  moodle: MoodleReads;
  /** The Campus Bridge runs that touched a Student; absent where no Temporal client is at hand. */
  trail?: (student: string) => Promise<StudentTrail>;
  /** Paid electives (Moodle course idnumber → Item): which courses have revenue. */
  electives: Mapping['electives']['courses'];
  /** Moodle's student role: only its participants count in course figures (not teachers). */
  studentRoleId: number;
  cache: ReportCache;
  now: () => Date;
}

export interface ReportSourcesOptions {
  erpnext: ErpnextClient;
  moodle: MoodleClient;
  temporal?: Client;
  mapping: Pick<Mapping, 'electives'> & { moodle?: Pick<Mapping['moodle'], 'studentRoleId'> };
  /** How long a read answer is reused; default 5 min (env REPORT_CACHE_TTL, in seconds, through `reportCacheTtlMs`). */
  cacheTtlMs?: number;
  /** Requests per second per system; the workers' configured rates (default 20 each). */
  rates?: { moodle?: number; erpnext?: number };
  /** Requests in flight at once per system. */
  concurrency?: number;
  now?: () => Date;
}

/** REPORT_CACHE_TTL (seconds) as milliseconds; the default when unset or not a number ≥ 0. */
export function reportCacheTtlMs(env: NodeJS.ProcessEnv = process.env): number {
  const seconds = Number(env.REPORT_CACHE_TTL);
  return env.REPORT_CACHE_TTL !== undefined && env.REPORT_CACHE_TTL !== '' && Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : defaultReportCacheTtlMs;
}

export function createReportSources(options: ReportSourcesOptions): ReportSources {
  const now = options.now ?? (() => new Date());
  const cache = createReportCache(options.cacheTtlMs ?? defaultReportCacheTtlMs, () => now().getTime());
  const concurrency = options.concurrency ?? 4;
  const moodlePaced = createPacedCalls({ perSecond: options.rates?.moodle ?? 20, concurrency });
  const erpnextPaced = createPacedCalls({ perSecond: options.rates?.erpnext ?? 20, concurrency });
  const temporal = options.temporal;
  return {
    erpnext: createErpnextReads(options.erpnext, erpnextPaced, cache),
    moodle: createMoodleReads(options.moodle, moodlePaced, cache),
    trail: temporal ? (student) => studentTrail(temporal, student, { limit: 50 }) : undefined,
    electives: options.mapping.electives.courses,
    studentRoleId: options.mapping.moodle?.studentRoleId ?? 5,
    cache,
    now,
  };
}
