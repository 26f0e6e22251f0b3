import { execFile } from 'node:child_process';
import path from 'node:path';

export const repoRoot = path.resolve(__dirname, '../..');
export const topologyScripts = path.join(repoRoot, 'scripts/topology');

/** Runs a command to its end; rejects with its stderr's tail on a non-zero exit. Resolves with stdout. */
export function run(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { env: options.env ?? process.env, timeout: options.timeoutMs ?? 0, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${path.basename(command)} ${args.join(' ')} failed: ${err.message}\n${stderr.split('\n').slice(-20).join('\n')}`));
      else resolve(stdout);
    });
  });
}

/** Seconds since `since` (a performance.now() reading), to one decimal. */
export function secondsSince(since: number): number {
  return Math.round((performance.now() - since) / 100) / 10;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Calls `attempt` until it answers something other than undefined, or throws after `timeoutMs` with the last error. */
export async function eventually<T>(what: string, timeoutMs: number, attempt: () => Promise<T | undefined>, everyMs = 1000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await attempt();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s${last instanceof Error ? ` (last error: ${last.message})` : ''}`);
    await sleep(everyMs);
  }
}
