import { PassThrough } from 'node:stream';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { backfillCommand } from '../../src/commands/backfill';
import { createGatewayFastify } from '../../src/gateway/fastify-base';
import { adminBackfillRoutes } from '../../src/gateway/routes/admin-backfill';
import { startBackfillStack, type BackfillStack } from './backfill-stack';

jest.setTimeout(240_000);

const adminToken = 'backfill-admin-token';
let stack: BackfillStack;
let app: ReturnType<typeof createGatewayFastify>;

beforeAll(async () => {
  stack = await startBackfillStack({ extra: 10 });
  app = createGatewayFastify({ logger: pino({ level: 'silent' }), bodyLimit: 16 * 1024 });
  await app.register(adminBackfillRoutes, { temporal: stack.env.client, mapping: stack.mapping, adminToken });
});
afterAll(async () => {
  await app?.close();
  await stack?.close();
});

const admin = (method: 'GET' | 'POST', url: string, payload?: object) =>
  app.inject({ method, url, headers: { authorization: `Bearer ${adminToken}` }, ...(payload ? { payload } : {}) });

async function waitFor(id: string, test: (body: { execution: string; progress: { status: string } | null }) => boolean) {
  for (let i = 0; i < 300; i++) {
    const body = (await admin('GET', `/admin/backfill/${encodeURIComponent(id)}`)).json();
    if (test(body)) return body;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`backfill ${id} never got there`);
}

describe('backfill from the admin API and the CLI', () => {
  it('needs the admin token', async () => {
    expect((await app.inject({ method: 'POST', url: '/admin/backfill' })).statusCode).toBe(401);
  });

  it('a dry run started by the API answers its plan as JSON and CSV; an unknown id is 404', async () => {
    const started = await admin('POST', '/admin/backfill', { dryRun: true });
    expect(started.statusCode).toBe(202);
    const { workflowId } = started.json();
    const done = await waitFor(workflowId, (b) => b.execution === 'COMPLETED');
    expect(done.result).toMatchObject({ dryRun: true, wrote: false, total: 60 });
    expect(done.result.issues.length).toBeGreaterThan(0);
    const csv = await admin('GET', `/admin/backfill/${encodeURIComponent(workflowId)}/plan.csv`);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.body.trim().split('\n');
    expect(lines[0]).toBe('student,action,moodleUserId,courses,profile,writeBack');
    expect(lines).toHaveLength(61);
    expect((await admin('GET', '/admin/backfill/backfill:nope')).statusCode).toBe(404);
  });

  it('a real run parks at the breaker, is approved through the API, and its failed records re-run by id change nothing', async () => {
    const { workflowId } = (await admin('POST', '/admin/backfill', { limits: { maxChanges: 5, maxShare: 0.1 } })).json();
    const parked = await waitFor(workflowId, (b) => b.progress?.status === 'awaiting-go-ahead');
    expect(parked.progress.verdict.proceed).toBe(false);
    expect((await admin('POST', `/admin/backfill/${encodeURIComponent(workflowId)}/pause`)).statusCode).toBe(200);
    expect((await admin('POST', `/admin/backfill/${encodeURIComponent(workflowId)}/resume`)).statusCode).toBe(200);
    const approved = await admin('POST', `/admin/backfill/${encodeURIComponent(workflowId)}/approve`, { by: 'registrar' });
    expect(approved.statusCode).toBe(200);
    expect(approved.json().goAhead).toEqual({ approve: true, by: 'registrar' });
    const done = await waitFor(workflowId, (b) => b.execution === 'COMPLETED');
    expect(done.result.wrote).toBe(true);
    expect((await admin('POST', `/admin/backfill/${encodeURIComponent(workflowId)}/approve`)).statusCode).toBe(409);

    // The conflicts and failures are still what they were: re-running them (unfixed) writes nothing new.
    const mails = stack.moodleSandbox.state.mail.length;
    const rerun = await admin('POST', '/admin/backfill', { rerunOf: workflowId, limits: { maxChanges: 1000, maxShare: 1 } });
    expect(rerun.statusCode).toBe(202);
    expect(rerun.json().students).toBe(new Set(done.result.issues.map((i: { student: string }) => i.student)).size);
    const again = await waitFor(rerun.json().workflowId, (b) => b.execution === 'COMPLETED');
    expect(again.result.counts).toMatchObject({ create: 0, link: 0, enrolments: 0 });
    expect(stack.moodleSandbox.state.mail.length).toBe(mails);
  });

  it('the CLI follows a dry run with a progress bar and writes the plan CSV; status lists the records not synced', async () => {
    const lines: string[] = [];
    // Not a terminal: cli-progress draws nothing there, which keeps the test output clean.
    const bar = new PassThrough();
    const csv = join(mkdtempSync(join(tmpdir(), 'backfill-')), 'plan.csv');
    const env = { TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS!, TEMPORAL_NAMESPACE: stack.env.namespace };
    const status = await backfillCommand({ action: 'start', dryRun: true, wait: true, csv, pollMs: 100, env, client: stack.env.client, print: (l) => lines.push(l), progressStream: bar });
    expect(status && 'result' in status && status.result?.dryRun).toBe(true);
    expect(lines.join('\n')).toContain('(dry run: nothing written)');
    expect(readFileSync(csv, 'utf8').trim().split('\n')).toHaveLength(61);
    const workflowId = lines[0]!.replace('started ', '');
    const shown: string[] = [];
    await backfillCommand({ action: 'status', workflowId, env, client: stack.env.client, print: (l) => shown.push(l) });
    expect(shown.join('\n')).toMatch(/conflict/);
    const json: string[] = [];
    await backfillCommand({ action: 'status', workflowId, json: true, env, client: stack.env.client, print: (l) => json.push(l) });
    expect(JSON.parse(json.join('\n')).result.issues.length).toBeGreaterThan(0);
  });
});
