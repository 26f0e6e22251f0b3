import { randomBytes } from 'node:crypto';
import { Client } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import type { WorkflowBundle } from '@temporalio/worker';
import { developmentDefaults, loadConfig } from '../../src/config/env';
import { mappingSchema } from '../../src/config/mapping-file';
import { buildGateway } from '../../src/gateway/server';
import { AesGcmPayloadCodec, dataConverterFor, encryptedEncoding, keyIdOf, PayloadDecodeError } from '../../src/temporal/codec';
import { payloadKeyRing } from '../../src/temporal/key-ring';
import { taskQueues } from '../../src/common/task-queues';
import { createHarnessActivities, type ActivityCall } from '../support/fixtures/harness-activities';
import { harnessLinkStudent } from '../support/fixtures/harness-workflows';
import { bundleWorkflows, connectTestEnv, withWorkers, type TemporalTestEnv } from '../support/temporal';

const key = randomBytes(32);
const codec = new AesGcmPayloadCodec([key]);
const studentPayload = () => defaultPayloadConverter.toPayload({ student: 'EDU-STU-2026-00042', email: 'ada@example.edu' });
const metadataText = (payload: Payload, name: string) => new TextDecoder().decode(payload.metadata?.[name]);

describe('AES-256-GCM payload codec', () => {
  test('encrypts the whole payload and names the key by fingerprint', async () => {
    const [sealed] = await codec.encode([studentPayload()]);
    expect(metadataText(sealed, 'encoding')).toBe(encryptedEncoding);
    expect(metadataText(sealed, 'encryption-key-id')).toBe(keyIdOf(key));
    expect(Buffer.from(sealed.data!).toString('latin1')).not.toContain('EDU-STU-2026-00042');
    expect(Object.keys(sealed.metadata!)).toEqual(['encoding', 'encryption-key-id']);
    const [opened] = await codec.decode([sealed]);
    expect(defaultPayloadConverter.fromPayload(opened)).toEqual({ student: 'EDU-STU-2026-00042', email: 'ada@example.edu' });
  });

  test('the same value encrypts differently every time (random IV)', async () => {
    const [a, b] = await codec.encode([studentPayload(), studentPayload()]);
    expect(Buffer.from(a.data!).equals(Buffer.from(b.data!))).toBe(false);
  });

  test('tampered ciphertext is rejected, not decoded to garbage', async () => {
    const [sealed] = await codec.encode([studentPayload()]);
    const data = Buffer.from(sealed.data!);
    data[20] ^= 0xff;
    await expect(codec.decode([{ ...sealed, data }])).rejects.toThrow();
  });

  test('an older key still decodes what it encrypted; an unknown key is named', async () => {
    const oldKey = randomBytes(32);
    const [sealedWithOld] = await new AesGcmPayloadCodec([oldKey]).encode([studentPayload()]);
    const rotated = new AesGcmPayloadCodec([key, oldKey]);
    expect(defaultPayloadConverter.fromPayload((await rotated.decode([sealedWithOld]))[0])).toMatchObject({ student: 'EDU-STU-2026-00042' });
    await expect(codec.decode([sealedWithOld])).rejects.toThrow(`payload is encrypted with key ${keyIdOf(oldKey)}, which this process does not have`);
  });

  test('a ciphertext shorter than IV and tag, or with a cut tag, is a decode error, not a crash', async () => {
    const [sealed] = await codec.encode([studentPayload()]);
    const data = Buffer.from(sealed.data!);
    await expect(codec.decode([{ ...sealed, data: data.subarray(0, 8) }])).rejects.toThrow(PayloadDecodeError);
    await expect(codec.decode([{ ...sealed, data: data.subarray(0, data.length - 8) }])).rejects.toThrow(PayloadDecodeError);
    await expect(codec.decode([{ ...sealed, data: Buffer.alloc(0) }])).rejects.toThrow(PayloadDecodeError);
  });

  test('PAYLOAD_ENCRYPTION_KEYS is a ring, current first; PAYLOAD_ENCRYPTION_KEY a ring of one', () => {
    const [a, b] = [randomBytes(32), randomBytes(32)];
    expect(payloadKeyRing({ PAYLOAD_ENCRYPTION_KEYS: [a.toString('base64'), b.toString('base64')] })).toEqual([a, b]);
    expect(payloadKeyRing({ PAYLOAD_ENCRYPTION_KEY: a.toString('base64') })).toEqual([a]);
    expect(payloadKeyRing({})).toEqual([]);
    const config = loadConfig('gateway', { ...developmentDefaults, PAYLOAD_ENCRYPTION_KEYS: ` ${a.toString('base64')} , ${b.toString('base64')}` }, { developmentDefaults: true });
    expect(payloadKeyRing(config)).toEqual([a, b]);
    expect(() => loadConfig('gateway', { ...developmentDefaults, PAYLOAD_ENCRYPTION_KEYS: `${a.toString('base64')},short` }, { developmentDefaults: true })).toThrow(/PAYLOAD_ENCRYPTION_KEYS/);
    expect(() =>
      loadConfig('gateway', { ...developmentDefaults, PAYLOAD_ENCRYPTION_KEYS: a.toString('base64'), PAYLOAD_ENCRYPTION_KEY: b.toString('base64') }, { developmentDefaults: true }),
    ).toThrow(/set either it or PAYLOAD_ENCRYPTION_KEYS/);
  });

  test('payloads written before encryption was enabled pass through decode', async () => {
    const plain = studentPayload();
    expect(await codec.decode([plain])).toEqual([plain]);
  });
});

describe('on the real server', () => {
  let env: TemporalTestEnv;
  let workflowBundle: WorkflowBundle;
  beforeAll(async () => {
    env = await connectTestEnv();
    workflowBundle = await bundleWorkflows(require.resolve('../support/fixtures/harness-workflows'));
  });
  afterAll(() => env?.close());

  test('history holds only ciphertext while client and workers see plain values', async () => {
    const dataConverter = dataConverterFor([key]);
    const client = new Client({ connection: env.client.connection, namespace: env.namespace, dataConverter });
    const calls: ActivityCall[] = [];
    const activities = createHarnessActivities(calls);
    const workflowId = 'codec:EDU-STU-2026-00042';

    const result = await withWorkers(env, { workflowBundle, ...activities, dataConverter }, () =>
      client.workflow.execute(harnessLinkStudent, { taskQueue: taskQueues.workflows, workflowId, args: ['EDU-STU-2026-00042'] }),
    );
    expect(result).toBe('EDU-STU-2026-00042->42');

    // Read history with the plain client: payloads as Temporal stores them (bytes as base64 in this JSON form).
    const history = JSON.stringify((await env.client.workflow.getHandle(workflowId).fetchHistory()).events);
    const payloadData = [...history.matchAll(/"data":"([^"]*)"/g)].map((match) => Buffer.from(match[1], 'base64').toString('latin1'));
    const encodings = [...history.matchAll(/"encoding":"([^"]*)"/g)].map((match) => Buffer.from(match[1], 'base64').toString('utf8'));
    expect(payloadData.length).toBeGreaterThanOrEqual(6); // input, 2 activity inputs (3 args), 2 activity results, result
    expect(payloadData.some((data) => data.includes('EDU-STU-2026-00042'))).toBe(false);
    expect(new Set(encodings)).toEqual(new Set([encryptedEncoding]));
  });
});

describe('codec endpoint for the Web UI', () => {
  const codecToken = 'codec-token-for-the-web-ui-0123456789';
  const config = loadConfig(
    'gateway',
    { ...developmentDefaults, LOG_LEVEL: 'silent', PAYLOAD_ENCRYPTION_KEY: key.toString('base64'), CODEC_TOKENS: codecToken, CODEC_UI_ORIGINS: 'http://localhost:8233' },
    { developmentDefaults: true },
  );
  const uiOrigin = 'http://localhost:8233';
  const adminAuth = { authorization: `Bearer ${developmentDefaults.ADMIN_TOKEN}` };
  let env: TemporalTestEnv;
  beforeAll(async () => {
    env = await connectTestEnv();
  });
  afterAll(() => env?.close());

  const wire = (payload: Payload) => ({
    metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
    data: Buffer.from(payload.data!).toString('base64'),
  });
  const operatorApp = async (overrides: Partial<typeof config> = {}) => buildGateway({ config: { ...config, ...overrides }, temporal: env.client, mapping: mappingSchema.parse({}) });

  test('without a credential the codec answers 401 and decrypts nothing', async () => {
    const gateway = await operatorApp();
    try {
      const [sealed] = await codec.encode([studentPayload()]);
      for (const headers of [{}, { authorization: 'Bearer wrong' }, { authorization: codecToken }, { authorization: `Basic ${codecToken}` }]) {
        for (const url of ['/codec/decode', '/codec/encode', '/codec/wrong-token/decode', `/codec/${developmentDefaults.ADMIN_TOKEN}/decode`]) {
          const response = await gateway.operatorApp.inject({ method: 'POST', url, headers: { origin: uiOrigin, ...headers }, payload: { payloads: [wire(sealed)] } });
          expect(response.statusCode).toBe(401);
          expect(response.body).not.toContain('EDU-STU-2026-00042');
        }
      }
      // Not even a malformed body gets further than the credential check.
      expect((await gateway.operatorApp.inject({ method: 'POST', url: '/codec/decode', payload: 'nonsense' })).statusCode).toBe(401);
    } finally {
      await gateway.close();
    }
  });

  test('decodes for the admin token, a codec token, or a codec token in the path; CORS for the configured UI origin only', async () => {
    const gateway = await operatorApp();
    try {
      const [sealed] = await codec.encode([studentPayload()]);
      const asks = [
        { url: '/codec/decode', headers: adminAuth },
        { url: '/codec/decode', headers: { authorization: `Bearer ${codecToken}` } },
        { url: `/codec/${codecToken}/decode`, headers: {} },
      ];
      for (const ask of asks) {
        const response = await gateway.operatorApp.inject({ method: 'POST', url: ask.url, headers: { origin: uiOrigin, 'x-namespace': 'default', ...ask.headers }, payload: { payloads: [wire(sealed)] } });
        expect(response.statusCode).toBe(200);
        expect(response.headers['access-control-allow-origin']).toBe(uiOrigin);
        const [decoded] = response.json().payloads;
        expect(JSON.parse(Buffer.from(decoded.data, 'base64').toString('utf8'))).toEqual({ student: 'EDU-STU-2026-00042', email: 'ada@example.edu' });
      }
      const foreign = await gateway.operatorApp.inject({ method: 'POST', url: '/codec/decode', headers: { origin: 'https://evil.example', ...adminAuth }, payload: { payloads: [wire(sealed)] } });
      expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await gateway.close();
    }
  });

  test('answers the browser preflight and rejects malformed or undecodable payloads with 400', async () => {
    const gateway = await operatorApp();
    try {
      const preflight = await gateway.operatorApp.inject({
        method: 'OPTIONS',
        url: `/codec/${codecToken}/decode`,
        headers: { origin: uiOrigin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace' },
      });
      expect(preflight.statusCode).toBe(204);
      expect(preflight.headers['access-control-allow-origin']).toBe(uiOrigin);
      expect(preflight.headers['access-control-allow-headers']).toContain('X-Namespace');

      const bad = await gateway.operatorApp.inject({ method: 'POST', url: '/codec/decode', headers: adminAuth, payload: { payloads: [{ data: 'not base64!' }] } });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().message).toContain('body/payloads/0/data');
      const [sealed] = await codec.encode([studentPayload()]);
      const short = await gateway.operatorApp.inject({ method: 'POST', url: '/codec/decode', headers: adminAuth, payload: { payloads: [{ ...wire(sealed), data: Buffer.alloc(8).toString('base64') }] } });
      expect(short.statusCode).toBe(400);
    } finally {
      await gateway.close();
    }
  });

  test('without an encryption key there is no codec endpoint', async () => {
    const gateway = await operatorApp({ PAYLOAD_ENCRYPTION_KEY: undefined });
    try {
      expect((await gateway.operatorApp.inject({ method: 'POST', url: '/codec/decode', headers: adminAuth, payload: { payloads: [] } })).statusCode).toBe(404);
    } finally {
      await gateway.close();
    }
  });
});
