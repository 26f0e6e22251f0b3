import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Table from 'cli-table3';
import { z } from 'zod';

/** What every bench module's `run()` resolves to. */
export interface BenchReport {
  name: string;
  /** Headline figures, e.g. `{ p50Ms: 41, p99Ms: 180 }`. */
  figures: Record<string, number>;
  /** The conditions the figures hold under: counts, latencies, rate limits, machine. */
  conditions: Record<string, string | number | boolean>;
  /** This bench's share of `bench/results.json` (issue #12's keys), merged with the others'. */
  results?: Record<string, unknown>;
}

const benchModule = z.object({
  run: z.custom<() => Promise<unknown>>((value) => typeof value === 'function', 'a bench module exports run(): Promise<BenchReport>'),
});
const benchReport = z.object({
  name: z.string(),
  figures: z.record(z.string(), z.number()),
  conditions: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  results: z.record(z.string(), z.unknown()).optional(),
});

/** Every key `bench/results.json` must hold; a side no bench measured stays null, so the gap shows. */
const resultKeys = ['students', 'moodleRps', 'erpnextRps', 'floorS', 'ratioToFloor', 'speedupVsNaive', 'naive', 'bridge', 'burst', 'steady', 'gateway', 'reports'] as const;

/** The onboarding bench measures steady webhook flow: its figures are the `steady` entry. */
function steadyFrom(report: BenchReport): Record<string, unknown> | undefined {
  if (!report.name.startsWith('onboarding')) return undefined;
  const { p50Ms, p99Ms, enrolled, erpnextCalls, moodleCalls } = report.figures;
  if (!enrolled) return undefined;
  return { steady: { p50Ms, p99Ms, erpnextCallsPerAdmission: Math.round((erpnextCalls! / enrolled) * 10) / 10, moodleCallsPerAdmission: Math.round((moodleCalls! / enrolled) * 10) / 10 } };
}

const benchDir = __dirname;

function availableBenches(): string[] {
  return readdirSync(benchDir)
    .filter((file) => file.endsWith('.ts') && file !== 'run.ts')
    .map((file) => file.slice(0, -'.ts'.length))
    .sort();
}

function printTable(report: BenchReport): void {
  // No colours: bench output is pasted into issues and lands in CI logs.
  const table = new Table({ head: ['Figure', 'Value'], style: { head: [], border: [] } });
  table.push(
    ...Object.entries(report.figures).map(([key, value]) => [key, String(value)]),
    ...Object.entries(report.conditions).map(([key, value]) => [`(${key})`, String(value)]),
  );
  console.log(`\n${report.name}\n${table.toString()}`);
}

/** `npm run bench [name...]`: runs bench/<name>.ts (all of them without a name). */
async function main(): Promise<void> {
  const available = availableBenches();
  const requested = process.argv.slice(2);
  const unknown = requested.filter((name) => !available.includes(name));
  if (unknown.length > 0) throw new Error(`unknown bench ${unknown.join(', ')}; available: ${available.join(', ')}`);

  const resultsDir = path.join(benchDir, 'results');
  mkdirSync(resultsDir, { recursive: true });
  const summary = path.join(benchDir, 'results.json');
  // A run of some benches keeps the others' last figures.
  const merged: Record<string, unknown> = { ...Object.fromEntries(resultKeys.map((key) => [key, null])), ...(existsSync(summary) ? (JSON.parse(readFileSync(summary, 'utf8')) as Record<string, unknown>) : {}) };
  for (const name of requested.length > 0 ? requested : available) {
    const loaded = benchModule.parse(await import(path.join(benchDir, name)));
    const report = benchReport.parse(await loaded.run());
    printTable(report);
    const file = path.join(resultsDir, `${name}.json`);
    writeFileSync(file, `${JSON.stringify({ ...report, finishedAt: new Date().toISOString() }, null, 2)}\n`);
    console.log(`  written to ${path.relative(process.cwd(), file)}`);
    Object.assign(merged, steadyFrom(report), report.results);
  }
  writeFileSync(summary, `${JSON.stringify({ ...merged, finishedAt: new Date().toISOString() }, null, 2)}\n`);
  console.log(`\nsummary written to ${path.relative(process.cwd(), summary)}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
