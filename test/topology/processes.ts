import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import path from 'node:path';

/** One started program: its log file, a way to wait for a line, and its exit. */
export interface Started {
  name: string;
  child: ChildProcess;
  log: string;
  /** Resolves with the first output line matching `pattern`; rejects if the process exits first or after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<string>;
  exited: Promise<number | null>;
}

/**
 * Every process the topology run starts, each in its own process group (so a `tsx` wrapper and
 * the node it runs go together) with its output in `<logDir>/<name>.log`. `stopAll` is the
 * run's trap: SIGTERM, then SIGKILL whatever is left after a grace period.
 */
export class ProcessGroup {
  private readonly started: Started[] = [];

  constructor(private readonly logDir: string) {}

  start(name: string, command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Started {
    const log = path.join(this.logDir, `${name}.log`);
    const out = createWriteStream(log, { flags: 'a' });
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let buffered = '';
    const watchers: { pattern: RegExp; resolve: (line: string) => void }[] = [];
    const onData = (chunk: Buffer) => {
      out.write(chunk);
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        for (const watcher of [...watchers]) {
          if (watcher.pattern.test(line)) {
            watchers.splice(watchers.indexOf(watcher), 1);
            watcher.resolve(line);
          }
        }
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ? null : code)));
    void exited.then(() => out.end());
    const started: Started = {
      name,
      child,
      log,
      exited,
      waitFor(pattern, timeoutMs) {
        return new Promise<string>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`${name}: no line matching ${pattern} within ${timeoutMs} ms (see ${log})`)), timeoutMs);
          watchers.push({ pattern, resolve: (line) => (clearTimeout(timer), resolve(line)) });
          void exited.then((code) => (clearTimeout(timer), reject(new Error(`${name} exited (${code ?? 'signal'}) before printing ${pattern} (see ${log})`))));
        });
      },
    };
    this.started.push(started);
    return started;
  }

  /** SIGKILL to the whole process group: nothing of the process gets to clean up. */
  kill(started: Started): void {
    if (started.child.pid !== undefined) process.kill(-started.child.pid, 'SIGKILL');
  }

  /** Stops everything still running, newest first: SIGTERM, then SIGKILL after `graceMs`. */
  async stopAll(graceMs = 15_000): Promise<void> {
    for (const started of [...this.started].reverse()) {
      if (started.child.exitCode !== null || started.child.signalCode !== null || started.child.pid === undefined) continue;
      const pid = started.child.pid;
      try {
        process.kill(-pid, 'SIGTERM');
      } catch {
        continue;
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }, graceMs);
      await started.exited;
      clearTimeout(timer);
    }
  }

  /** Synchronous last resort (process 'exit' handler): SIGKILL every group still alive. */
  killAllNow(): void {
    for (const started of this.started) {
      if (started.child.pid === undefined || started.child.exitCode !== null || started.child.signalCode !== null) continue;
      try {
        process.kill(-started.child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}
