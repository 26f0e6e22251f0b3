import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { mappingSchema } from '../../src/config/mapping-file';
import { adminSyncRoutes } from '../../src/gateway/routes/admin-sync';
import { SyncKind } from '../../src/common/search-attributes';
import { singleSyncRuns } from '../../src/common/sync-runs';
import { taskQueues } from '../../src/common/task-queues';
import { connectTestEnv, type TemporalTestEnv } from '../support/temporal';

// No workers: these tests are about what the route starts, not what the sync does (sync-grades.test.ts).
const adminToken = 'test-admin-token';
let env: TemporalTestEnv;
let app: FastifyInstance;
let base: string;

async function post(path: string, body: unknown, token: string | null = adminToken) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${base}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  env = await connectTestEnv();
  app = Fastify();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  await app.register(adminSyncRoutes, { temporal: env.client, mapping: mappingSchema.parse({ grades: { submitResults: true } }), adminToken });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await app?.close();
  await env?.close();
});

describe('POST /admin/sync/grades', () => {
  it('starts the single grade run for one student and answers 202 with its workflow id', async () => {
    const answer = await post('/admin/sync/grades', { student: 'EDU-STU-2026-00007' });
    expect(answer.status).toBe(202);
    expect(answer.json.workflowId).toBe(singleSyncRuns.grades.workflowId);
    // The single run's id never changes; the run id names the run this request went to.
    expect(answer.json.runId).toBe((await env.client.workflow.getHandle(singleSyncRuns.grades.workflowId).describe()).runId);

    const handle = env.client.workflow.getHandle(String(answer.json.workflowId));
    const description = await handle.describe();
    expect(description.type).toBe('syncGrades');
    expect(description.taskQueue).toBe(taskQueues.workflows);
    expect(description.typedSearchAttributes.get(SyncKind)).toBe('grades');
    const history = await handle.fetchHistory();
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    const input = JSON.parse(Buffer.from(started?.input?.payloads?.[0]?.data ?? []).toString('utf8'));
    expect(input).toMatchObject({ student: 'EDU-STU-2026-00007', settings: { submitResults: true } });
    await handle.terminate('test over');
  });

  it('takes an empty body as a full sync', async () => {
    const response = await fetch(`${base}/admin/sync/grades`, { method: 'POST', headers: { authorization: `Bearer ${adminToken}` } });
    expect(response.status).toBe(202);
    const { workflowId } = (await response.json()) as { workflowId: string };
    await env.client.workflow.getHandle(workflowId).terminate('test over');
  });

  it('refuses a missing or wrong token with 401 and unknown fields with 400, starting nothing', async () => {
    const before = (await env.client.workflow.count("WorkflowType = 'syncGrades'")).count;
    expect((await post('/admin/sync/grades', {}, null)).status).toBe(401);
    expect((await post('/admin/sync/grades', {}, 'wrong')).status).toBe(401);
    expect((await post('/admin/sync/grades', { courses: 'CS101' })).status).toBe(400);
    expect((await post('/admin/sync/grades', { course: '' })).status).toBe(400);
    expect((await env.client.workflow.count("WorkflowType = 'syncGrades'")).count).toBe(before);
  });
});

describe('POST /admin/sync/attendance', () => {
  it('starts syncAttendance for one course', async () => {
    const answer = await post('/admin/sync/attendance', { course: 'CS101' });
    expect(answer.status).toBe(202);
    const handle = env.client.workflow.getHandle(String(answer.json.workflowId));
    expect((await handle.describe()).type).toBe('syncAttendance');
    await handle.terminate('test over');
  });
});
