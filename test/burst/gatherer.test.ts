import { createGatherer, type BatchSender } from '../../activities/burst/gatherer';

/** The gatherer alone (activities/burst/gatherer.ts): what goes out together, and who learns what. */
function recordingSender(answer: (item: number) => { ok: true; value: string } | { ok: false; error: unknown }) {
  const batches: number[][] = [];
  let release: () => void = () => undefined;
  const send: BatchSender<number, string> = async (items) => {
    batches.push(items);
    // Every batch stays in flight until the test lets it finish, as a busy system would.
    await new Promise<void>((resolve) => (release = resolve));
    return items.map(answer);
  };
  return { send, batches, finish: () => release() };
}
const tick = () => new Promise((resolve) => setImmediate(resolve));

it('a lone call goes out at once, alone', async () => {
  const sender = recordingSender((n) => ({ ok: true, value: `v${n}` }));
  const call = createGatherer(sender.send, { maxBatch: 10, maxInFlight: 1 });
  const answer = call(1);
  await tick();
  expect(sender.batches).toEqual([[1]]);
  sender.finish();
  await expect(answer).resolves.toBe('v1');
});

it('calls arriving while one is in flight go out together, up to the batch size, each with its own result', async () => {
  const sender = recordingSender((n) => ({ ok: true, value: `v${n}` }));
  const call = createGatherer(sender.send, { maxBatch: 3, maxInFlight: 1 });
  const answers = [1, 2, 3, 4, 5, 6].map((n) => call(n));
  await tick();
  expect(sender.batches).toEqual([[1]]);
  sender.finish();
  await tick();
  expect(sender.batches).toEqual([[1], [2, 3, 4]]);
  sender.finish();
  await tick();
  expect(sender.batches).toEqual([[1], [2, 3, 4], [5, 6]]);
  sender.finish();
  await expect(Promise.all(answers)).resolves.toEqual(['v1', 'v2', 'v3', 'v4', 'v5', 'v6']);
});

it('a refused item fails only its caller; a failed batch fails every caller in it', async () => {
  const refused = new Error('refused 2');
  const sender = recordingSender((n) => (n === 2 ? { ok: false, error: refused } : { ok: true, value: `v${n}` }));
  const call = createGatherer(sender.send, { maxBatch: 10, maxInFlight: 1 });
  const first = call(1);
  const [second, third] = [call(2), call(3)];
  await tick();
  sender.finish();
  await expect(first).resolves.toBe('v1');
  await tick();
  sender.finish();
  await expect(second).rejects.toBe(refused);
  await expect(third).resolves.toBe('v3');

  const outage = new Error('Moodle unreachable');
  const failing = createGatherer<number, string>(async () => Promise.reject(outage), { maxBatch: 10, maxInFlight: 1 });
  const results = await Promise.allSettled([failing(1), failing(2), failing(3)]);
  expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
});

it('up to maxInFlight batches run at once', async () => {
  const sender = recordingSender((n) => ({ ok: true, value: `v${n}` }));
  const call = createGatherer(sender.send, { maxBatch: 10, maxInFlight: 2 });
  [1, 2, 3, 4].map((n) => call(n));
  await tick();
  expect(sender.batches).toEqual([[1], [2]]);
});

it("a lone call's request carries its caller's cancellation; a cancelled caller stops waiting at once and leaves the batch to the others", async () => {
  const signals: (AbortSignal | undefined)[] = [];
  const batches: number[][] = [];
  let release: () => void = () => undefined;
  const send: BatchSender<number, string> = async (items, signal) => {
    batches.push(items);
    signals.push(signal);
    await new Promise<void>((resolve) => (release = resolve));
    return items.map((n) => ({ ok: true, value: `v${n}` }));
  };
  const call = createGatherer(send, { maxBatch: 10, maxInFlight: 1 });
  const lone = new AbortController();
  const first = call(1, lone.signal);
  await tick();
  expect(signals).toEqual([lone.signal]);

  const leaving = new AbortController();
  const waitingOne = call(2, leaving.signal);
  const stayingCaller = new AbortController();
  const staying = call(3, stayingCaller.signal);
  leaving.abort(new Error('activity cancelled'));
  await expect(waitingOne).rejects.toThrow('activity cancelled');
  release();
  await expect(first).resolves.toBe('v1');
  await tick();
  // The cancelled caller was taken out before its batch went, which leaves 3 alone, with its own signal.
  expect(batches).toEqual([[1], [3]]);
  expect(signals[1]).toBe(stayingCaller.signal);
  release();
  await expect(staying).resolves.toBe('v3');
});

it("a shared batch's signal aborts once every caller in it has given up, not before; a caller without a signal keeps it unabortable", async () => {
  const signals: (AbortSignal | undefined)[] = [];
  const releases: (() => void)[] = [];
  const send: BatchSender<number, string> = async (items, signal) => {
    signals.push(signal);
    await new Promise<void>((resolve) => releases.push(resolve));
    return items.map((n) => ({ ok: true, value: `v${n}` }));
  };
  const call = createGatherer(send, { maxBatch: 10, maxInFlight: 1 });
  const first = call(1);
  const callers = [new AbortController(), new AbortController()];
  const shared = callers.map((c, i) => call(10 + i, c.signal));
  releases[0]!();
  await expect(first).resolves.toBe('v1');
  await tick();
  expect(signals[0]).toBeUndefined();
  const batchSignal = signals[1]!;
  expect(batchSignal.aborted).toBe(false);

  callers[0]!.abort(new Error('first gone'));
  await expect(shared[0]).rejects.toThrow('first gone');
  expect(batchSignal.aborted).toBe(false);
  callers[1]!.abort(new Error('second gone'));
  await expect(shared[1]).rejects.toThrow('second gone');
  expect(batchSignal.aborted).toBe(true);
  releases[1]!();
});

it('a cancelled caller stops waiting at once even when its batch is under way beside a caller that cannot give up', async () => {
  const releases: (() => void)[] = [];
  const send: BatchSender<number, string> = async (items) => {
    await new Promise<void>((resolve) => releases.push(resolve));
    return items.map((n) => ({ ok: true, value: `v${n}` }));
  };
  const call = createGatherer(send, { maxBatch: 10, maxInFlight: 1 });
  const first = call(1);
  const leaving = new AbortController();
  const cancelled = call(2, leaving.signal);
  const unsignalled = call(3);
  releases[0]!();
  await expect(first).resolves.toBe('v1');
  await tick();
  // 2 and 3 are now one batch under way; 2's activity is cancelled.
  leaving.abort(new Error('activity cancelled'));
  await expect(cancelled).rejects.toThrow('activity cancelled');
  releases[1]!();
  await expect(unsignalled).resolves.toBe('v3');
});
