import { Writable } from 'node:stream';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { developmentDefaults, loadConfig } from '../../src/config/env';
import { mappingSchema } from '../../src/config/mapping-file';
import { buildGateway, type GatewayApps } from '../../src/gateway/server';
import { createLogger } from '../../src/logging/logger';
import { startDevServer } from '../../src/temporal/dev-server';
import { freePort } from '../support/free-port';
import { connectTestEnv, type TemporalTestEnv } from '../support/temporal';

const config = loadConfig('gateway', { ...developmentDefaults, LOG_LEVEL: 'silent' }, { developmentDefaults: true });
const adminAuth = { authorization: `Bearer ${developmentDefaults.ADMIN_TOKEN}` };
const mapping = mappingSchema.parse({});

let env: TemporalTestEnv;
beforeAll(async () => {
  env = await connectTestEnv();
});
afterAll(() => env?.close());

/** A logger whose JSON lines the test can read back. */
function capturedLogger() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: createLogger({ level: 'info', destination }), lines };
}

describe('health', () => {
  let gateway: GatewayApps;
  let app: FastifyInstance;
  beforeAll(async () => {
    gateway = await buildGateway({ config, temporal: env.client, mapping });
    app = gateway.publicApp;
  });
  afterAll(() => gateway.close());

  test('GET /healthz answers while the process runs', async () => {
    const response = await app.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  test('GET /readyz is ready when Temporal answers', async () => {
    const response = await app.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ready' });
  });

  test('GET /readyz is 503 when Temporal is down', async () => {
    const closedPort = await freePort();
    const unreachable = new Client({ connection: Connection.lazy({ address: `127.0.0.1:${closedPort}` }) });
    const { publicApp: down, close } = await buildGateway({ config, temporal: unreachable, mapping });
    try {
      const started = Date.now();
      const response = await down.inject({ method: 'GET', url: '/readyz' });
      expect(response.statusCode).toBe(503);
      expect(response.json()).toEqual({ status: 'not ready', reason: 'Temporal is not reachable' });
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      await close();
      await unreachable.connection.close();
    }
  });

  test('GET /readyz turns 503 within its 2 s bound when Temporal goes away, and closing then is clean', async () => {
    const server = await startDevServer({ port: await freePort() });
    const client = new Client({ connection: await Connection.connect({ address: server.address }) });
    const { publicApp: app, close } = await buildGateway({ config, temporal: client, mapping });
    try {
      expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
      await server.stop();
      const started = Date.now();
      const response = await app.inject({ method: 'GET', url: '/readyz' });
      expect(response.statusCode).toBe(503);
      expect(Date.now() - started).toBeLessThan(2_500);
    } finally {
      await close(); // waits for the abandoned check, so closing the connection next cannot crash its retry timer
      await client.connection.close();
      await server.stop();
    }
  });
});

test('GET /metrics on the operator listener counts both listeners by route template, method and status', async () => {
  const { publicApp, operatorApp, close } = await buildGateway({ config, temporal: env.client, mapping });
  try {
    await publicApp.inject({ method: 'GET', url: '/healthz' });
    await publicApp.inject({ method: 'GET', url: '/healthz' });
    await publicApp.inject({ method: 'GET', url: '/no-such-page?student=EDU-STU-2026-00001' });
    expect((await publicApp.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404);
    expect((await operatorApp.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
    const response = await operatorApp.inject({ method: 'GET', url: '/metrics', headers: adminAuth });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain');
    expect(response.body).toContain('http_requests_total{method="GET",route="/healthz",status_code="200",listener="public"} 2');
    expect(response.body).toContain('http_requests_total{method="GET",route="unmatched",status_code="404",listener="public"} 2');
    expect(response.body).toContain('http_requests_total{method="GET",route="/metrics",status_code="401",listener="operator"} 1');
    expect(response.body).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/healthz",status_code="200",listener="public"\} 2/);
    expect(response.body).not.toContain('EDU-STU-2026-00001');
  } finally {
    await close();
  }
});

test('the admin API and the codec are not on the public listener', async () => {
  const { publicApp, close } = await buildGateway({ config, temporal: env.client, mapping });
  try {
    for (const url of ['/admin/conflicts', '/admin/workflows/x', '/metrics']) expect((await publicApp.inject({ method: 'GET', url, headers: adminAuth })).statusCode).toBe(404);
    expect((await publicApp.inject({ method: 'POST', url: '/codec/decode', headers: adminAuth, payload: { payloads: [] } })).statusCode).toBe(404);
  } finally {
    await close();
  }
});

test('request logs redact the Authorization header and webhook signatures', async () => {
  const { logger, lines } = capturedLogger();
  const { publicApp: app, close } = await buildGateway({ config, temporal: env.client, mapping, logger });
  try {
    await app.inject({
      method: 'GET',
      url: '/no-such-page',
      headers: { authorization: 'Bearer very-secret-admin-token', 'x-frappe-webhook-signature': 'c2lnbmF0dXJlLXNlY3JldA==', cookie: 'session=cookie-secret', 'x-api-key': 'api-key-secret' },
    });
    const incoming = lines.map((line) => JSON.parse(line)).find((entry) => entry.msg === 'incoming request');
    expect(incoming.req.headers.authorization).toBe('[redacted]');
    expect(incoming.req.headers['x-frappe-webhook-signature']).toBe('[redacted]');
    expect(incoming.req.url).toBe('/no-such-page');
    for (const secret of ['very-secret-admin-token', 'c2lnbmF0dXJlLXNlY3JldA==', 'cookie-secret', 'api-key-secret']) expect(lines.join('\n')).not.toContain(secret);
  } finally {
    await close();
  }
});

test('logged objects with secret-named fields are redacted at any depth', () => {
  const { logger, lines } = capturedLogger();
  logger.info(
    {
      moodle: { url: 'http://moodle.test', token: 'moodle-token-value' },
      secret: 'top',
      deep: { a: { b: [{ c: { apiSecret: 'deep-api-secret', ERPNEXT_API_KEY: 'erp-key-value', headers: { Authorization: 'token k:s' } } }] } },
      err: Object.assign(new Error('request failed'), { config: { wstoken: 'wstoken-in-error' } }),
    },
    'configured',
  );
  const entry = JSON.parse(lines[0]);
  expect(entry.moodle).toEqual({ url: 'http://moodle.test', token: '[redacted]' });
  expect(entry.secret).toBe('[redacted]');
  expect(entry.deep.a.b[0].c).toEqual({ apiSecret: '[redacted]', ERPNEXT_API_KEY: '[redacted]', headers: { Authorization: '[redacted]' } });
  for (const secret of ['moodle-token-value', 'deep-api-secret', 'erp-key-value', 'token k:s', 'wstoken-in-error']) expect(lines[0]).not.toContain(secret);
});

describe('route layer', () => {
  let gateway: GatewayApps;
  let app: FastifyInstance;
  beforeAll(async () => {
    gateway = await buildGateway({ config, temporal: env.client, mapping });
    app = gateway.operatorApp;
    app.withTypeProvider<ZodTypeProvider>().post(
      '/test/students',
      { schema: { body: z.object({ student: z.string().min(1), program: z.string() }) } },
      async (request) => ({ received: request.body.student }),
    );
    app.get('/test/explode', async () => {
      throw new Error('connection to db.internal:5432 failed for jane@example.edu');
    });
  });
  afterAll(() => gateway.close());

  test('a zod-typed route accepts a valid body', async () => {
    const response = await app.inject({ method: 'POST', url: '/test/students', payload: { student: 'EDU-STU-2026-00001', program: 'BSc' } });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ received: 'EDU-STU-2026-00001' });
  });

  test('an invalid body is a 400 naming each bad field', async () => {
    const response = await app.inject({ method: 'POST', url: '/test/students', payload: { student: '', program: 7 } });
    expect(response.statusCode).toBe(400);
    const body = response.json();
    expect(body.problems.map((p: { field: string }) => p.field).sort()).toEqual(['body/program', 'body/student']);
    expect(body.message).toMatch(/body\/student: /);
  });

  test('a 5xx hides the internal message from the caller', async () => {
    const response = await app.inject({ method: 'GET', url: '/test/explode' });
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('db.internal');
    expect(response.body).not.toContain('jane@example.edu');
    expect(response.json().error).toBe('Internal Server Error');
  });

  test('a body over the listener\'s limit is 413, another Content-Type than JSON is 400', async () => {
    const big = await app.inject({ method: 'POST', url: '/test/students', payload: { student: 'x'.repeat(20_000), program: 'BSc' } });
    expect(big.statusCode).toBe(413);
    const text = await app.inject({ method: 'POST', url: '/test/students', headers: { 'content-type': 'text/plain' }, payload: 'student=x' });
    expect(text.statusCode).toBe(400);
    const polluted = await app.inject({ method: 'POST', url: '/test/students', headers: { 'content-type': 'application/json' }, payload: '{"student":"x","program":"p","__proto__":{"admin":true}}' });
    expect(polluted.statusCode).toBe(400);
  });
});
