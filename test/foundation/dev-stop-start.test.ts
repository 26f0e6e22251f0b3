import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../support/free-port';

/*
 * Issue 9, defect 6, as a user meets it: the real `campus-bridge dev` command (what `npm start`
 * runs) started, a Student admitted, stopped with Ctrl-C, started again on the same data, and a
 * second Student admitted. Before the sandboxes kept their state, the second Student got the
 * first one's name and onboarding answered "duplicate".
 */
const repoRoot = path.resolve(__dirname, '../..');
const adminToken = 'dev-admin-token';

interface Ports {
  temporal: number;
  gateway: number;
  operator: number;
  moodle: number;
  erpnext: number;
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer()
      .once('error', () => resolve(false))
      .listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** The dev server's Web UI listens on its gRPC port + 1000, so both must be free. */
async function temporalPortPair(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port + 1000 < 65536 && (await portIsFree(port + 1000))) return port;
  }
}

class DevStack {
  private output = '';
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;

  constructor(env: NodeJS.ProcessEnv) {
    // Node with tsx's loader, as `npm start` runs it: the signal reaches the dev process itself.
    this.child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'dev'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  async ready(timeoutMs = 150_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.output.includes('Press Ctrl-C to stop everything.')) {
      if (this.child.exitCode !== null || Date.now() > deadline) throw new Error(`dev did not become ready:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** Ctrl-C, as a person stops it; resolves with the exit code. */
  async stop(): Promise<number | null> {
    if (this.child.exitCode === null) this.child.kill('SIGINT');
    return this.exited;
  }

  get log(): string {
    return this.output;
  }
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('campus-bridge dev across a stop and a start', () => {
  let dataDir: string;
  let ports: Ports;
  let stack: DevStack | undefined;

  beforeAll(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'dev-stop-start-'));
  });

  afterAll(async () => {
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /**
   * Starts dev on the kept data folder with ports free right now: only the data must carry over,
   * and ports chosen before the first run could be taken by a parallel suite by the second.
   */
  async function startDev(): Promise<DevStack> {
    ports = { temporal: await temporalPortPair(), gateway: await freePort(), operator: await freePort(), moodle: await freePort(), erpnext: await freePort() };
    const { MOODLE_URL: _moodle, ERPNEXT_URL: _erpnext, MAPPING_FILE: _mapping, ...inherited } = process.env;
    const started = new DevStack({
      ...inherited,
      CAMPUS_BRIDGE_DATA_DIR: dataDir,
      TEMPORAL_ADDRESS: `127.0.0.1:${ports.temporal}`,
      GATEWAY_PORT: String(ports.gateway),
      OPERATOR_PORT: String(ports.operator),
      DEV_MOODLE_SANDBOX_PORT: String(ports.moodle),
      DEV_ERPNEXT_SANDBOX_PORT: String(ports.erpnext),
      LOG_LEVEL: 'warn',
    });
    await started.ready();
    return started;
  }

  async function admit(n: number): Promise<string> {
    const response = await fetch(`http://127.0.0.1:${ports.erpnext}/api/resource/Student`, {
      method: 'POST',
      headers: { authorization: 'token dev-key:dev-secret', 'content-type': 'application/json' },
      body: JSON.stringify({ first_name: `Restart${n}`, last_name: 'Student', student_email_id: `restart${n}.student@example.test` }),
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { data: { name: string } }).data.name;
  }

  async function onboarding(student: string): Promise<{ status?: string; result?: { outcome?: string; moodleUserId?: number } }> {
    const response = await fetch(`http://127.0.0.1:${ports.operator}/admin/workflows/${encodeURIComponent(`onboard:${student}`)}`, { headers: { authorization: `Bearer ${adminToken}` } });
    return response.status === 200 ? ((await response.json()) as { status?: string }) : {};
  }

  async function moodleUsersWithIdnumber(idnumber: string): Promise<{ id: number; idnumber: string }[]> {
    const body = new URLSearchParams({ wstoken: 'dev-moodle-token', wsfunction: 'core_user_get_users_by_field', moodlewsrestformat: 'json', field: 'idnumber', 'values[0]': idnumber });
    return (await (await fetch(`http://127.0.0.1:${ports.moodle}/webservice/rest/server.php`, { method: 'POST', body })).json()) as { id: number; idnumber: string }[];
  }

  /** What ERPNext holds as the Student's Moodle user id (the write-back onboarding made). */
  async function erpnextLink(student: string): Promise<unknown> {
    const response = await fetch(`http://127.0.0.1:${ports.erpnext}/api/resource/Student/${encodeURIComponent(student)}`, { headers: { authorization: 'token dev-key:dev-secret' } });
    return ((await response.json()) as { data: Record<string, unknown> }).data.custom_moodle_user_id;
  }

  const completed = (student: string) => until(() => onboarding(student), (w) => w.status === 'COMPLETED' || w.status === 'FAILED');

  it('admits a Student, stops on Ctrl-C with every port free, starts again and admits the next one', async () => {
    stack = await startDev();
    const first = await admit(1);
    const firstRun = await completed(first);
    expect(firstRun).toMatchObject({ status: 'COMPLETED', result: { outcome: 'created' } });
    expect(await erpnextLink(first)).toBe(firstRun.result?.moodleUserId);
    expect(await stack.stop()).toBe(0);
    for (const port of Object.values(ports)) expect(await portIsFree(port)).toBe(true);

    stack = await startDev();
    // Temporal kept its history and the sandboxes their state.
    expect(await onboarding(first)).toMatchObject({ status: 'COMPLETED' });
    expect(await moodleUsersWithIdnumber(first)).toHaveLength(1);

    const second = await admit(2);
    expect(second).not.toBe(first);
    expect(Number(second.split('-').pop())).toBe(Number(first.split('-').pop()) + 1);
    const secondRun = await completed(second);
    expect(secondRun).toMatchObject({ status: 'COMPLETED', result: { outcome: 'created' } });
    expect(await moodleUsersWithIdnumber(second)).toEqual([expect.objectContaining({ idnumber: second, id: secondRun.result?.moodleUserId })]);
    // Written back on the restarted site too: its Custom Field's column came back with its documents.
    expect(await erpnextLink(second)).toBe(secondRun.result?.moodleUserId);
    expect(await stack.stop()).toBe(0);
  }, 400_000);
});
