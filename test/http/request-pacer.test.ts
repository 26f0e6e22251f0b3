import { createErpnextClient } from '../../src/erpnext/client';
import { createRequestPacer, resendsAfterRefusal } from '../../src/http/request-pacer';
import { createMoodleClient } from '../../src/moodle/client';
import { startErpnextSandbox, type ErpnextSandbox } from '../../sandboxes/erpnext';
import type { FaultSettingsInput } from '../../sandboxes/faults';
import { startMoodleSandbox, type MoodleSandbox } from '../../sandboxes/moodle';

/**
 * The request pacer inside the clients, against the sandboxes over HTTP. What is asserted comes
 * from the sandbox's own books: its fault layer's Retry-After ledger (an identical request that
 * arrives before the delay it was given is counted early, from whichever client), its 429s, and
 * the Moodle sandbox's count of the requests it handled. Each property is shown failing without
 * the pacer first, so the check can fail.
 */

interface RetryAfterLedger {
  answeredWithRetryAfter: number;
  earlyFromAnyClient: number;
}

const settle = <T>(calls: Promise<T>[]) => Promise.allSettled(calls);

async function ledgerOf(url: string): Promise<RetryAfterLedger> {
  return (await fetch(`${url}/__sandbox/faults/retry-after`)).json() as Promise<RetryAfterLedger>;
}

async function setFaults(url: string, faults: FaultSettingsInput): Promise<void> {
  const response = await fetch(`${url}/__sandbox/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(faults) });
  expect(response.status).toBe(200);
}

async function handledRequests(sandbox: MoodleSandbox): Promise<number> {
  const counts = (await (await fetch(`${sandbox.url}/__sandbox/requests`)).json()) as Record<string, number>;
  return Object.values(counts).reduce((sum, n) => sum + n, 0);
}

describe('request pacer: Moodle client', () => {
  let sandbox: MoodleSandbox;
  beforeAll(async () => {
    sandbox = await startMoodleSandbox();
  });
  afterAll(async () => {
    await sandbox.close();
  });
  beforeEach(async () => {
    await fetch(`${sandbox.url}/__sandbox/requests`, { method: 'DELETE' });
  });

  const client = (pacer?: ReturnType<typeof createRequestPacer>) => createMoodleClient({ url: sandbox.url, token: 'dev-moodle-token', pacer });

  test('after a 429 with Retry-After, no request leaves before the delay (without the pacer the same requests come early)', async () => {
    const faults = { rateLimit: { perSecond: 3, retryAfterSeconds: 1 } };
    const requests = 8;

    // Without a pacer: one request after another, each refused one followed at once by the next.
    await setFaults(sandbox.url, faults);
    const bare = client();
    for (let i = 0; i < requests; i++) await bare.getSiteInfo().catch(() => undefined);
    const unpaced = await ledgerOf(sandbox.url);
    expect(unpaced.answeredWithRetryAfter).toBeGreaterThan(0);
    expect(unpaced.earlyFromAnyClient).toBeGreaterThan(0);

    // Through a pacer far faster than the limit, one at a time so none is in flight when a 429 lands.
    await setFaults(sandbox.url, faults);
    const paced = client(createRequestPacer({ perSecond: 1000, concurrency: 1 }));
    const outcomes = await settle(Array.from({ length: requests }, () => paced.getSiteInfo()));
    const ledger = await ledgerOf(sandbox.url);
    expect(ledger.answeredWithRetryAfter).toBeGreaterThan(0);
    expect(ledger.earlyFromAnyClient).toBe(0);
    // Each refused request went again once its delay had passed, so every call got its answer.
    expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
  });

  test('a run of requests under a limit below the pacer\'s rate gets through: a refused request goes again after its Retry-After', async () => {
    // 2 a second allowed, 4 a second paced: about every third request is refused. One caller's six
    // requests in a row (a withdrawal's reads and write) would each fail on its 429 without the resend.
    await setFaults(sandbox.url, { rateLimit: { perSecond: 2, retryAfterSeconds: 1 } });
    const paced = client(createRequestPacer({ perSecond: 4 }));
    for (let i = 0; i < 6; i++) await paced.getSiteInfo();
    const ledger = await ledgerOf(sandbox.url);
    expect(ledger.answeredWithRetryAfter).toBeGreaterThan(0);
    expect(ledger.earlyFromAnyClient).toBe(0);
    expect(await handledRequests(sandbox)).toBe(6);
  });

  test('a request refused every time reaches its caller as rate-limited after the last resend', async () => {
    // Every request refused, with a Retry-After of 0 s so the resends need no wait.
    await setFaults(sandbox.url, { rateLimit: { perSecond: 0.001, retryAfterSeconds: 0 } });
    const refused = await client(createRequestPacer({ perSecond: 1000 }))
      .getSiteInfo()
      .catch((err: unknown) => err);
    expect(refused).toMatchObject({ kind: 'rate-limited', status: 429 });
    expect((await ledgerOf(sandbox.url)).answeredWithRetryAfter).toBe(1 + resendsAfterRefusal);
  });

  test('spaces requests to the rate: none refused by a limit just above it, where the same burst unpaced is', async () => {
    const requests = 12;
    // Unpaced, far more than the limit at once: a loaded machine spread twelve over more than a
    // second once, and none was refused.
    await setFaults(sandbox.url, { rateLimit: { perSecond: 10, retryAfterSeconds: 1 } });
    await settle(Array.from({ length: 4 * requests }, () => client().getSiteInfo()));
    expect((await ledgerOf(sandbox.url)).answeredWithRetryAfter).toBeGreaterThan(0);

    await setFaults(sandbox.url, { rateLimit: { perSecond: 10, retryAfterSeconds: 1 } });
    const paced = client(createRequestPacer({ perSecond: 8 }));
    const startedAt = performance.now();
    const outcomes = await settle(Array.from({ length: requests }, () => paced.getSiteInfo()));
    const elapsedMs = performance.now() - startedAt;
    expect((await ledgerOf(sandbox.url)).answeredWithRetryAfter).toBe(0);
    expect(outcomes.every((o) => o.status === 'fulfilled')).toBe(true);
    // A lower bound only (a loaded machine can only make it slower): 12 starts span at least 10.5 gaps of 125 ms.
    expect(elapsedMs).toBeGreaterThanOrEqual(10.5 * 125);
  });

  test('a caller cancelled while its request waits for its turn stops waiting, and the request never leaves', async () => {
    await setFaults(sandbox.url, {});
    const pacer = createRequestPacer({ perSecond: 1000 });
    const moodle = client(pacer);
    pacer.pauseFor(60_000);
    const cancel = new AbortController();
    const waiting = moodle.getSiteInfo({ signal: cancel.signal });
    cancel.abort(new Error('activity cancelled'));
    await expect(waiting).rejects.toThrow('activity cancelled');
    expect(await handledRequests(sandbox)).toBe(0);
    // The count can see a request: one through an unpaused pacer is counted.
    await client(createRequestPacer({ perSecond: 1000 })).getSiteInfo();
    expect(await handledRequests(sandbox)).toBe(1);
  });
});

describe('request pacer: ERPNext client', () => {
  let sandbox: ErpnextSandbox;
  beforeAll(async () => {
    sandbox = await startErpnextSandbox();
  });
  afterAll(async () => {
    await sandbox.close();
  });

  const client = (pacer?: ReturnType<typeof createRequestPacer>) => createErpnextClient({ url: sandbox.url, apiKey: 'dev-key', apiSecret: 'dev-secret', pacer });

  test('after a 429 with Retry-After, no request leaves before the delay (without the pacer the same requests come early)', async () => {
    const faults = { rateLimit: { perSecond: 2, retryAfterSeconds: 1 } };
    const requests = 6;
    const read = (erp: ReturnType<typeof client>) => erp.getList('Student', { fields: ['name'], limitPageLength: 1 });

    await setFaults(sandbox.url, faults);
    const bare = client();
    for (let i = 0; i < requests; i++) await read(bare).catch(() => undefined);
    const unpaced = await ledgerOf(sandbox.url);
    expect(unpaced.answeredWithRetryAfter).toBeGreaterThan(0);
    expect(unpaced.earlyFromAnyClient).toBeGreaterThan(0);

    await setFaults(sandbox.url, faults);
    const paced = client(createRequestPacer({ perSecond: 1000, concurrency: 1 }));
    await settle(Array.from({ length: requests }, () => read(paced)));
    const ledger = await ledgerOf(sandbox.url);
    expect(ledger.answeredWithRetryAfter).toBeGreaterThan(0);
    expect(ledger.earlyFromAnyClient).toBe(0);
  });
});
