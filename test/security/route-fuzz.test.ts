import { randomBytes } from 'node:crypto';
import v8 from 'node:v8';
import vm from 'node:vm';
import fc from 'fast-check';
import pino from 'pino';
import { developmentDefaults, loadConfig } from '../../src/config/env';
import { mappingSchema } from '../../src/config/mapping-file';
import { buildGateway, type GatewayApps } from '../../src/gateway/server';
import { AesGcmPayloadCodec } from '../../src/temporal/codec';
import { erpnextTriggers, frappeSignature, frappeSignatureHeader, type ErpnextTriggerSlug } from '../../src/webhooks/erpnext-contract';
import { recordingTemporal, type RecordedStart } from './fake-temporal';

/*
 * Every webhook, admin and codec route, fed generated requests through fastify.inject: malformed,
 * truncated, oversized, deeply nested, wrongly typed, wrongly or un-signed bodies, odd content
 * types, unicode and control characters, prototype-pollution keys. The only answers allowed are
 * 400, 401 and 413, and the route's success only for a valid request; nothing starts a workflow
 * unless it was answered with success, and the heap does not grow over the run.
 * FUZZ_RUNS (default 300 per route, `npm run test:fuzz` runs more) and FUZZ_SEED (to replay).
 */
const runs = Number(process.env.FUZZ_RUNS ?? 300);
const seed = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
// eslint-disable-next-line no-console
console.log(`route fuzz: FUZZ_SEED=${seed} FUZZ_RUNS=${runs}`);

const secret = 'fuzz-webhook-secret-0123456789abcdef';
const adminToken = 'fuzz-admin-token-0123456789abcdef0123';
const codecToken = 'fuzz-codec-token-0123456789abcdef0123';
const key = randomBytes(32);
const config = loadConfig(
  'gateway',
  { ...developmentDefaults, ADMIN_TOKEN: adminToken, ERPNEXT_WEBHOOK_SECRET: secret, CODEC_TOKENS: codecToken, PAYLOAD_ENCRYPTION_KEY: key.toString('base64'), LOG_LEVEL: 'silent' },
  { developmentDefaults: true },
);

let gateway: GatewayApps;
let starts: RecordedStart[];
beforeAll(async () => {
  const temporal = recordingTemporal();
  starts = temporal.starts;
  gateway = await buildGateway({ config, temporal: temporal.client, mapping: mappingSchema.parse({}), logger: pino({ level: 'silent' }) });
});
afterAll(() => gateway.close());

/** Text with what breaks naive handling: controls, NUL, surrogates, RTL marks, quotes, very long runs. */
const nastyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', ' ', '\u0000', 'a\nb', 'EDU-STU-2026-00001\r\n', '\u202e', '\ud800', '"', '\\', '{{ doc.name }}', '../../etc/passwd', 'x'.repeat(141), 'é'.repeat(141)),
  fc.string({ unit: 'grapheme', maxLength: 160 }),
);
const pollutionKeys = fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty');
const deeplyNested = fc.integer({ min: 50, max: 5000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth));
const oversized = fc.integer({ min: 70_000, max: 200_000 }).map((size) => JSON.stringify({ doctype: 'Student', name: 'x'.repeat(size) }));
const contentTypes = fc.constantFrom(undefined, 'application/json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16', 'application/octet-stream', '*/*', 'garbage');

/** A body built from a valid one: fields dropped, retyped or replaced, keys added, text cut. */
function mutations(valid: Record<string, unknown>): fc.Arbitrary<string> {
  const fields = Object.keys(valid).length > 0 ? Object.keys(valid) : ['workflowId'];
  const textFields = fields.filter((f) => f !== 'event' && f !== 'doctype' && f !== 'modified');
  return fc.oneof(
    fc.constantFrom(...fields).map((field) => JSON.stringify({ ...valid, [field]: undefined })),
    fc.tuple(fc.constantFrom(...fields), fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string()), fc.object())).map(([field, value]) => JSON.stringify({ ...valid, [field]: value })),
    fc.tuple(fc.constantFrom(...textFields), nastyText).map(([field, value]) => JSON.stringify({ ...valid, [field]: value })),
    fc.tuple(pollutionKeys, fc.jsonValue()).map(([name, value]) => JSON.stringify(valid).replace(/^\{/, `{${JSON.stringify(name)}: ${JSON.stringify(value)}, `)),
    fc.integer({ min: 0, max: 60 }).map((cut) => JSON.stringify(valid).slice(0, cut)),
  );
}

const anyBody = (valid: Record<string, unknown>) =>
  fc.oneof(
    { arbitrary: mutations(valid), weight: 4 },
    { arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)), weight: 2 },
    { arbitrary: fc.string({ unit: 'binary', maxLength: 300 }), weight: 1 },
    { arbitrary: deeplyNested, weight: 1 },
    { arbitrary: oversized, weight: 1 },
  );

const webhookRoutes = (Object.keys(erpnextTriggers) as ErpnextTriggerSlug[]).flatMap((slug) => erpnextTriggers[slug].events.map((event) => ({ slug, event })));

function validWebhookBody(slug: ErpnextTriggerSlug, event: string): Record<string, unknown> {
  const trigger = erpnextTriggers[slug];
  // Sales Invoice bodies carry numbers (docstatus, outstanding amount), the others only names.
  const numeric: Record<string, number> = { docstatus: 1, outstanding_amount: 0 };
  const links = Object.fromEntries(trigger.links.map((link) => [link, numeric[link] ?? `FUZZ-${link.toUpperCase()}-0001`]));
  return { doctype: trigger.doctype, name: 'FUZZ-DOC-0001', ...links, event, modified: '2026-12-01 08:55:13.393763' };
}

type Signing = 'valid' | 'none' | 'wrong-secret' | 'trailing-garbage' | 'base64url' | 'twice' | 'whitespace' | 'random';
const signings = fc.constantFrom<Signing>('valid', 'none', 'wrong-secret', 'trailing-garbage', 'base64url', 'twice', 'whitespace', 'random');

function signatureHeader(signing: Signing, body: string): string | string[] | undefined {
  const good = frappeSignature(body, secret);
  switch (signing) {
    case 'valid':
      return good;
    case 'none':
      return undefined;
    case 'wrong-secret':
      return frappeSignature(body, `${secret}x`);
    case 'trailing-garbage':
      return `${good}, garbage`;
    case 'base64url':
      return good.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
    case 'twice':
      return [good, good];
    case 'whitespace':
      return `${good.slice(0, 20)} ${good.slice(20)}`;
    case 'random':
      return randomBytes(32).toString('base64');
  }
}

// A full collection before each reading, so what is measured is what the gateway retains, not garbage not yet collected.
v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;
function heapUsed(): number {
  collectGarbage();
  return process.memoryUsage().heapUsed;
}
/** Retained growth allowed per route's run: well above noise, far below a per-request leak over thousands of requests. */
const heapGrowthLimit = 16 * 1024 * 1024;

describe.each(webhookRoutes)('POST /webhooks/erpnext/$slug/$event', ({ slug, event }) => {
  test('answers only 202 (valid and signed), 400, 401 or 413, and starts only for 202', async () => {
    const valid = validWebhookBody(slug, event);
    const request = fc.record({
      body: fc.oneof({ arbitrary: fc.constant(JSON.stringify(valid)), weight: 1 }, { arbitrary: anyBody(valid), weight: 5 }),
      signing: signings,
      contentType: contentTypes,
    });
    const before = heapUsed();
    let accepted = 0;
    // Bodies whose once-only start this gateway saw Temporal take: a repeat is answered from the
    // gateway's memory of accepted deliveries (src/gateway/accepted-deliveries.ts), starting nothing.
    const remembered = new Set<string>();
    // Only the lifecycle events' once-only starts are remembered; profile saves, roster changes and invoice changes are not.
    const remembersRepeats = ['student/after_insert', 'program-enrollment/on_submit', 'program-enrollment/on_cancel', 'course-enrollment/after_insert', 'course-enrollment/on_trash'].includes(`${slug}/${event}`);
    await fc.assert(
      fc.asyncProperty(request, async ({ body, signing, contentType }) => {
        const startsBefore = starts.length;
        const signature = signatureHeader(signing, body);
        const headers: Record<string, string | string[]> = {};
        if (signature !== undefined) headers[frappeSignatureHeader] = signature;
        if (contentType !== undefined) headers['content-type'] = contentType;
        const response = await gateway.publicApp.inject({ method: 'POST', url: `/webhooks/erpnext/${slug}/${event}`, headers, payload: body });
        const started = starts.length - startsBefore;
        expect([202, 400, 401, 413]).toContain(response.statusCode);
        // An invoice change wakes a waiting run (or is ignored): it never starts one.
        const repeat = remembered.has(body);
        expect(started).toBe(response.statusCode === 202 && slug !== 'sales-invoice' && !repeat ? 1 : 0);
        if (response.statusCode === 202) accepted++;
        if (response.statusCode === 202 && remembersRepeats) remembered.add(body);
        // A Content-Type header that is not a media type at all is refused (400) before the body is read.
        if (contentType === 'garbage') expect(response.statusCode).toBe(400);
        else if (Buffer.byteLength(body) > 64 * 1024) expect(response.statusCode).toBe(413);
        else if (signing !== 'valid') expect(response.statusCode).toBe(401);
        else if (body === JSON.stringify(valid)) expect(response.statusCode).toBe(202);
      }),
      { seed, numRuns: runs },
    );
    // The valid, signed request is one body in six and one signing in eight: some got through.
    expect(accepted).toBeGreaterThan(0);
    expect(heapUsed() - before).toBeLessThan(heapGrowthLimit);
  });
});

const bearers = fc.constantFrom<string | undefined>(undefined, `Bearer ${adminToken}`, `Bearer ${adminToken}`, 'Bearer wrong', `bearer ${adminToken} extra`, adminToken, `Basic ${adminToken}`, `Bearer ${codecToken}`);
const authorised = (authorization: string | undefined, tokens: string[]) => tokens.some((token) => authorization === `Bearer ${token}`);

const operatorRoutes: { name: string; url: string; valid: Record<string, unknown>; success: number[]; tokens: string[] }[] = [
  { name: 'POST /admin/sync/grades', url: '/admin/sync/grades', valid: { course: 'CS101', student: 'EDU-STU-2026-00001' }, success: [202], tokens: [adminToken] },
  { name: 'POST /admin/sync/attendance', url: '/admin/sync/attendance', valid: { course: 'CS101' }, success: [202], tokens: [adminToken] },
  { name: 'POST /admin/sync/completions', url: '/admin/sync/completions', valid: { course: 'CS101' }, success: [202], tokens: [adminToken] },
  { name: 'POST /admin/provision', url: '/admin/provision', valid: { dryRun: true, terms: ['2026-27 (Autumn)'], limits: { maxChanges: 5, maxShare: 0.2 } }, success: [202], tokens: [adminToken] },
  // The fake Temporal knows no workflow: a valid decision is answered 404.
  { name: 'POST /admin/conflicts/:workflowId', url: '/admin/conflicts/onboard%3AEDU-STU-2026-00001', valid: { action: 'link', moodleUserId: 7 }, success: [404], tokens: [adminToken] },
  { name: 'POST /admin/workflows/:workflowId/retry', url: '/admin/workflows/onboard%3AEDU-STU-2026-00001/retry', valid: {}, success: [404], tokens: [adminToken] },
  { name: 'POST /codec/decode', url: '/codec/decode', valid: { payloads: [] }, success: [200], tokens: [adminToken, codecToken] },
  { name: 'POST /codec/encode', url: '/codec/encode', valid: { payloads: [{ metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from('"x"').toString('base64') }] }, success: [200], tokens: [adminToken, codecToken] },
];

describe.each(operatorRoutes)('$name', ({ url, valid, success, tokens }) => {
  test('answers 401 without the token, else only 400, 413 or its success; starts only on success', async () => {
    const request = fc.record({
      body: fc.oneof({ arbitrary: fc.constant(JSON.stringify(valid)), weight: 1 }, { arbitrary: anyBody(valid), weight: 5 }),
      authorization: bearers,
      contentType: fc.oneof({ arbitrary: fc.constant('application/json'), weight: 3 }, { arbitrary: contentTypes, weight: 1 }),
    });
    const before = heapUsed();
    await fc.assert(
      fc.asyncProperty(request, async ({ body, authorization, contentType }) => {
        const startsBefore = starts.length;
        const headers: Record<string, string> = {};
        if (authorization !== undefined) headers.authorization = authorization;
        if (contentType !== undefined) headers['content-type'] = contentType;
        const response = await gateway.operatorApp.inject({ method: 'POST', url, headers, payload: body });
        const started = starts.length - startsBefore;
        expect([400, 401, 413, ...success]).toContain(response.statusCode);
        expect(response.statusCode).toBeLessThan(500);
        if (!authorised(authorization, tokens)) expect(response.statusCode).toBe(401);
        if (response.statusCode !== 202) expect(started).toBe(0);
        if (authorised(authorization, tokens) && contentType === 'application/json' && body === JSON.stringify(valid)) expect(success).toContain(response.statusCode);
      }),
      { seed, numRuns: runs },
    );
    expect(heapUsed() - before).toBeLessThan(heapGrowthLimit);
  });
});

test('the codec also refuses forged and truncated ciphertext with 400, never 5xx', async () => {
  const codec = new AesGcmPayloadCodec([key]);
  const [sealed] = await codec.encode([{ metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('{"student":"EDU-STU-2026-00001"}') }]);
  const wireMetadata = Object.fromEntries(Object.entries(sealed.metadata!).map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), fc.boolean(), async (data, keepKeyId) => {
      const metadata = keepKeyId ? wireMetadata : { encoding: wireMetadata.encoding, 'encryption-key-id': Buffer.from('unknown').toString('base64') };
      const response = await gateway.operatorApp.inject({
        method: 'POST',
        url: `/codec/${codecToken}/decode`,
        payload: { payloads: [{ metadata, data: Buffer.from(data).toString('base64') }] },
      });
      expect(response.statusCode).toBe(400);
    }),
    { seed, numRuns: runs },
  );
});
