import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';

/** The command line of a live process, or undefined when no such process exists. */
function commandLineOf(pid: number): string | undefined {
  try {
    return execFileSync('ps', ['-p', String(pid), '-o', 'command='], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || undefined;
  } catch {
    return undefined; // ps exits 1 when the process is gone
  }
}

/**
 * A file holding the pid of a process we started, so that the next start can recognise what a
 * crashed run left behind. `matches` guards against the pid having been reused by another program.
 */
export class PidFile {
  constructor(
    readonly path: string,
    private readonly matches: RegExp,
  ) {}

  write(pid: number): void {
    writeFileSync(this.path, `${pid}\n`);
  }

  remove(): void {
    rmSync(this.path, { force: true });
  }

  /** The recorded pid if that process is still alive and still ours; clears a stale file. */
  livePid(): number | undefined {
    let pid: number;
    try {
      pid = Number.parseInt(readFileSync(this.path, 'utf8'), 10);
    } catch {
      return undefined;
    }
    const commandLine = Number.isInteger(pid) && pid > 0 ? commandLineOf(pid) : undefined;
    if (commandLine && this.matches.test(commandLine)) return pid;
    this.remove();
    return undefined;
  }

  /** Stops the recorded process if it is still alive (SIGTERM, then SIGKILL after `graceMs`). */
  async stopLeftover(graceMs = 5_000): Promise<number | undefined> {
    const pid = this.livePid();
    if (pid === undefined) return undefined;
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + graceMs;
    while (commandLineOf(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (commandLineOf(pid)) process.kill(pid, 'SIGKILL');
    while (commandLineOf(pid)) await new Promise((r) => setTimeout(r, 100));
    this.remove();
    return pid;
  }
}
