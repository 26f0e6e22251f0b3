import type { BackfillStatus } from '../../src/starters/backfill';
import { eventually, secondsSince, sleep } from './shell';
import type { Topology } from './topology-stack';

/** When the worker was killed: seconds into the run and how far the sync phase had got. */
export interface KillMoment {
  seconds: number;
  done: number;
  total: number;
  worker: string;
}

export interface BackfillOutcome {
  workflowId: string;
  status: BackfillStatus;
  wallSeconds: number;
  kill: KillMoment | null;
}

/** The operator's admin API on the gateway's operator listener, with the admin token. */
async function admin<T>(topology: Topology, method: 'GET' | 'POST', route: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(`${topology.operatorUrl}${route}`, {
    method,
    headers: { authorization: `Bearer ${topology.adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as T };
}

/**
 * `POST /admin/backfill`. Retried for a while: a namespace and search attributes the server has
 * just registered reach every frontend cache only after its refresh interval (seconds).
 */
async function startBackfill(topology: Topology, request: { dryRun?: boolean }): Promise<string> {
  return eventually('POST /admin/backfill answering 202', 90_000, async () => {
    const answer = await admin<{ workflowId?: string; error?: string }>(topology, 'POST', '/admin/backfill', request);
    if (answer.status !== 202 || !answer.body.workflowId) throw new Error(`${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body.workflowId;
  }, 2000);
}

async function status(topology: Topology, workflowId: string): Promise<BackfillStatus> {
  const answer = await admin<BackfillStatus>(topology, 'GET', `/admin/backfill/${encodeURIComponent(workflowId)}`);
  if (answer.status !== 200) throw new Error(`GET /admin/backfill/${workflowId}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

const finished = (s: BackfillStatus) => s.execution !== 'RUNNING';

/** A dry run to its end: the plan the real run must then carry out. */
export async function dryRun(topology: Topology, timeoutMs: number): Promise<BackfillOutcome> {
  const since = performance.now();
  const workflowId = await startBackfill(topology, { dryRun: true });
  const final = await eventually('dry run finished', timeoutMs, async () => {
    const current = await status(topology, workflowId);
    return finished(current) ? current : undefined;
  }, 2000);
  return { workflowId, status: final, wallSeconds: secondsSince(since), kill: null };
}

/**
 * The real backfill with the product's default mass-change breaker: it parks before writing, the
 * operator approves through the admin API, and once `killAt` of the students are synced the first
 * worker is SIGKILLed while the second carries on alone.
 */
export async function backfillWithKill(topology: Topology, options: { killAt: number; timeoutMs: number; log: (line: string) => void }): Promise<BackfillOutcome> {
  const since = performance.now();
  const workflowId = await startBackfill(topology, {});
  const deadline = Date.now() + options.timeoutMs;
  let kill: KillMoment | null = null;
  let approved = false;
  for (;;) {
    if (Date.now() > deadline) throw new Error(`backfill ${workflowId} did not finish within ${options.timeoutMs / 1000} s`);
    const current = await status(topology, workflowId).catch(() => null);
    if (current && finished(current)) return { workflowId, status: current, wallSeconds: secondsSince(since), kill };
    const progress = current?.progress;
    if (progress?.status === 'awaiting-go-ahead' && !approved) {
      const answer = await admin(topology, 'POST', `/admin/backfill/${encodeURIComponent(workflowId)}/approve`, { by: 'topology run' });
      if (answer.status !== 200) throw new Error(`approve: ${answer.status} ${JSON.stringify(answer.body)}`);
      approved = true;
      options.log(`approved ${workflowId} past the breaker (${progress.verdict && !progress.verdict.proceed ? progress.verdict.reason : 'parked'})`);
    }
    if (!kill && progress?.phase === 'sync' && progress.total > 0 && progress.done >= options.killAt * progress.total) {
      const victim = topology.workers[0]!;
      topology.processes.kill(victim);
      kill = { seconds: secondsSince(since), done: progress.done, total: progress.total, worker: victim.name };
      options.log(`SIGKILL ${victim.name} at ${progress.done}/${progress.total} synced`);
    }
    // Each status is a query the workflow answers in a workflow task: polled faster than a busy
    // worker answers, queries queue up on the server ('consistent query buffer is full').
    await sleep(current?.progress ? 1000 : 5000);
  }
}
