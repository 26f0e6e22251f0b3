import { readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Table from 'cli-table3';
import { mappingSchema } from '../../src/config/mapping-file';
import { backfillWithKill, dryRun, type BackfillOutcome } from './backfill-run';
import { checkFinalState, moodleBefore, type Check, type MoodleBefore } from './final-state';
import { waitUntilQuiet } from './quiet';
import { seedStudents, type SeededStudent } from './seed-students';
import { repoRoot, run, secondsSince, topologyScripts } from './shell';
import { startTopology, type Topology } from './topology-stack';

/**
 * `npm run test:topology`: the production shape on one machine without Docker (docs/topology.md).
 * A Temporal server built from source on PostgreSQL, two workers and the gateway started as the
 * image starts them, both sandboxes as processes of their own; a backfill of TOPOLOGY_STUDENTS
 * admits (2,000) while the first worker is SIGKILLed; then the exact end state. Prints versions
 * and timings; exits 1 on any mismatch. Every process it started is stopped on the way out.
 */

const students = Number(process.env.TOPOLOGY_STUDENTS ?? 2000);
/** Share of the sync phase done when the first worker is killed. */
const killAt = Number(process.env.TOPOLOGY_KILL_AT ?? 0.3);
const runDir = path.join(process.env.TOPOLOGY_RUN_DIR ?? os.tmpdir(), `campus-bridge-topology-${process.pid}`);
const log = (line: string) => console.log(`[topology ${new Date().toISOString().slice(11, 19)}] ${line}`);

const packageVersion = (name: string) => (JSON.parse(readFileSync(path.join(repoRoot, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;

function table(head: string[], rows: string[][]): string {
  const t = new Table({ head, style: { head: [], border: [] } });
  rows.forEach((row) => t.push(row));
  return t.toString();
}

async function main(): Promise<number> {
  let topology: Topology | undefined;
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= topology ? topology.stop() : Promise.resolve());
  // The trap: Ctrl-C or a kill still stops every process the run started.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stop().then(() => process.exit(130)));
  process.once('exit', () => topology?.processes.killAllNow());

  const wall = performance.now();
  let seeded: SeededStudent[] = [];
  let seedSeconds = 0;
  let before: MoodleBefore | undefined;
  try {
    topology = await startTopology(runDir, async (erp) => {
      log(`seeding ${students} Students with submitted Program Enrollments through ERPNext's REST API ...`);
      const since = performance.now();
      seeded = await seedStudents(erp, students);
      seedSeconds = secondsSince(since);
    }, log);
    before = await moodleBefore(topology.moodle, topology.moodleUrl);

    log('dry run (the plan the real run must carry out) ...');
    const plan: BackfillOutcome = await dryRun(topology, 15 * 60_000);
    if (!plan.status.result) throw new Error(`dry run ended ${plan.status.execution}`);
    log(`backfill with the default breaker; SIGKILL worker-1 at ${Math.round(killAt * 100)}% ...`);
    const real = await backfillWithKill(topology, { killAt, timeoutMs: 30 * 60_000, log });
    const result = real.status.result;
    if (!result) throw new Error(`backfill ended ${real.status.execution}`);

    log('waiting for the runs the write-back webhooks started ...');
    const quiet = await waitUntilQuiet(topology.temporal, topology.moodleUrl, 20 * 60_000);
    log('reading the end state back from Moodle and ERPNext ...');
    const checks: Check[] = await checkFinalState({ moodle: topology.moodle, moodleUrl: topology.moodleUrl, erp: topology.erp, mapping: mappingSchema.parse({}), seeded, before, plan: plan.status.result, result });
    const killedMidRun = real.kill !== null && real.kill.done < real.kill.total;
    checks.push({ name: 'no workflow run failed, timed out or was terminated', ok: quiet.failed === 0, detail: `${quiet.failed} of ${Object.values(quiet.runsByType).reduce((a, b) => a + b, 0)} runs` });
    checks.push({ name: 'a worker was SIGKILLed mid-run and the other finished it', ok: killedMidRun && real.status.execution === 'COMPLETED', detail: real.kill ? `${real.kill.worker} at ${real.kill.done}/${real.kill.total}, run ${real.status.execution}` : 'the run ended before the kill point' });

    const systemInfo = await topology.temporal.workflowService.getSystemInfo({});
    const postgres = (await run('bash', [path.join(topologyScripts, 'postgres.sh'), 'version'])).trim();
    const killedAfter = real.kill ? `${real.kill.seconds} s (${real.kill.done}/${real.kill.total} synced)` : '-';
    const t = topology.timings;
    console.log('\nVersions');
    console.log(table(['component', 'version'], [
      ['Temporal server (go install, from source)', `${systemInfo.serverVersion} (built ${t.buildCached ? 'earlier, cached' : 'this run'} in ${t.buildSeconds} s)`],
      ['PostgreSQL (Debian)', postgres],
      ['Node.js', process.version],
      ['Temporal TypeScript SDK', packageVersion('@temporalio/worker')],
    ]));
    console.log('\nTimings');
    console.log(table(['step', 'seconds'], [
      ['Temporal server build (go install server + sql tool)', `${t.buildSeconds}${t.buildCached ? ' (cached)' : ''}`],
      ['PostgreSQL initdb + start', String(t.postgresSeconds)],
      ['schema (temporal-sql-tool, both databases)', String(t.schemaSeconds)],
      ['Temporal server start + namespace', String(t.temporalStartSeconds)],
      [`seed ${students} Students + Program Enrollments`, String(seedSeconds)],
      ['2 workers + gateway up (bundling, pollers, /readyz)', String(t.workersSeconds)],
      [`dry run, ${plan.status.result.total} Students`, String(plan.wallSeconds)],
      ['backfill wall time (plan, approve, sync)', String(real.wallSeconds)],
      ['worker-1 SIGKILLed after', killedAfter],
      ['then until only idle syncProfile runs are open', String(quiet.seconds)],
      ['whole run', String(secondsSince(wall))],
    ]));
    console.log('\nWorkflow runs (by type)');
    console.log(table(['type', 'runs'], Object.entries(quiet.runsByType).sort(([a], [b]) => a.localeCompare(b)).map(([type, n]) => [type, String(n)])));
    const moodleCalls = (await (await fetch(`${topology.moodleUrl}/__sandbox/requests`)).json()) as Record<string, number>;
    console.log('\nMoodle write calls (whole run)');
    console.log(table(['wsfunction', 'calls'], ['core_user_create_users', 'core_user_update_users', 'enrol_manual_enrol_users'].map((fn) => [fn, String(moodleCalls[fn] ?? 0)])));
    console.log('\nEnd state');
    console.log(table(['check', 'result', 'detail'], checks.map((c) => [c.name, c.ok ? 'ok' : 'MISMATCH', c.detail])));
    const failed = checks.filter((c) => !c.ok).length;
    console.log(`\n${checks.length - failed} passed, ${failed} failed`);
    console.log(`logs: ${runDir}`);
    return failed === 0 ? 0 : 1;
  } catch (err) {
    console.error(`topology run failed: ${(err as Error).message}`);
    console.error(`logs: ${runDir}`);
    return 1;
  } finally {
    log('stopping every process ...');
    await stop();
    rmSync(path.join(runDir, 'postgres'), { recursive: true, force: true });
  }
}

void main().then((code) => process.exit(code));
