import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { freePort } from '../../test/support/free-port';

/*
 * `campus-bridge gateway` in a process of its own, as a deployment runs it: production
 * configuration (no development defaults, freshly generated secrets, payload encryption on),
 * LOG_LEVEL info with its JSON lines written to /dev/null, so the bench's senders do not share
 * its event loop and what it costs is its own. The bench reads the child's CPU time from
 * /proc to say how much of a core each webhook took.
 */

export interface GatewayProcessOptions {
  temporalAddress: string;
  /** Passed through to the child; the bench's raw-start client uses the same ones. */
  webhookSecret: string;
  payloadEncryptionKey: string;
}

export interface GatewayProcess {
  /** The public listener, where ERPNext's webhooks go. */
  url: string;
  pid: number;
  /** User + system CPU the gateway process has used so far, in milliseconds (Linux /proc). */
  cpuMs(): number;
  /** SIGTERM (the gateway finishes open requests), then resolves once the process has exited. */
  stop(): Promise<void>;
}

/** A secret that passes the production rules (production-secrets.ts: at least 32 characters). */
export function generatedSecret(): string {
  return randomBytes(24).toString('hex');
}

const projectRoot = path.join(__dirname, '../..');
const cliEntry = path.join(projectRoot, 'src/cli.ts');
const readyWithinMs = 60_000;

/** utime + stime of a process, in clock ticks (fields 14 and 15 of /proc/<pid>/stat; 100 ticks a second on Linux). */
function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** Spawns the gateway (node with tsx, src/cli.ts gateway: what bin/campus-bridge runs) and resolves once /healthz answers. */
export async function startGatewayProcess(options: GatewayProcessOptions): Promise<GatewayProcess> {
  const [gatewayPort, operatorPort] = [await freePort(), await freePort()];
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    TEMPORAL_ADDRESS: options.temporalAddress,
    PAYLOAD_ENCRYPTION_KEYS: options.payloadEncryptionKey,
    ERPNEXT_WEBHOOK_SECRET: options.webhookSecret,
    ADMIN_TOKEN: generatedSecret(),
    GATEWAY_HOST: '127.0.0.1',
    GATEWAY_PORT: String(gatewayPort),
    OPERATOR_PORT: String(operatorPort),
  };
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', cliEntry, 'gateway'], { cwd: projectRoot, env, stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let exitedEarly = false;
  void exited.then(() => (exitedEarly = true));
  const url = `http://127.0.0.1:${gatewayPort}`;

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const forced = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(forced);
  };
  const deadline = Date.now() + readyWithinMs;
  for (;;) {
    if (exitedEarly) throw new Error(`the gateway process exited (${child.exitCode ?? child.signalCode}) before it answered /healthz`);
    const answered = await fetch(`${url}/healthz`).then(
      (response) => response.ok,
      () => false,
    );
    if (answered) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the gateway process did not answer /healthz within ${readyWithinMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const pid = child.pid!;
  return { url, pid, cpuMs: () => cpuTicks(pid) * 10, stop };
}
