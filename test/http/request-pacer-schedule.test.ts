import { createRequestPacer } from '../../src/http/request-pacer';

/**
 * The pacer's schedule on a fake clock (jest's modern fake timers move Date and setTimeout
 * together): when each request starts, with nothing measured on the machine's wall clock. The
 * HTTP behaviour against the sandboxes is in request-pacer.test.ts.
 */
beforeEach(() => jest.useFakeTimers({ now: 0 }));
afterEach(() => jest.useRealTimers());

function recorder() {
  const starts: number[] = [];
  const request = () => {
    starts.push(Date.now());
    return Promise.resolve();
  };
  return { starts, request };
}

it('starts requests one gap apart, however many are ready at once', async () => {
  const pacer = createRequestPacer({ perSecond: 10, now: () => Date.now() });
  const { starts, request } = recorder();
  const all = Promise.all(Array.from({ length: 5 }, () => pacer.run(request)));
  await jest.advanceTimersByTimeAsync(1000);
  await all;
  expect(starts).toEqual([0, 100, 200, 300, 400]);
});

it('a pause holds every waiting request until it ends, then they resume one gap apart', async () => {
  const pacer = createRequestPacer({ perSecond: 10, now: () => Date.now() });
  const { starts, request } = recorder();
  await pacer.run(request);
  pacer.pauseFor(1000);
  const waiting = Promise.all(Array.from({ length: 3 }, () => pacer.run(request)));
  // A shorter pause asked for later does not shorten the longer one.
  pacer.pauseFor(200);
  await jest.advanceTimersByTimeAsync(2000);
  await waiting;
  expect(starts).toEqual([0, 1000, 1100, 1200]);
});

it('at most `concurrency` requests are under way; the next starts when one finishes', async () => {
  const pacer = createRequestPacer({ perSecond: 1000, concurrency: 2, now: () => Date.now() });
  const starts: number[] = [];
  const slow = () => {
    starts.push(Date.now());
    return new Promise<void>((resolve) => setTimeout(resolve, 500));
  };
  const all = Promise.all(Array.from({ length: 4 }, () => pacer.run(slow)));
  await jest.advanceTimersByTimeAsync(2000);
  await all;
  expect(starts).toEqual([0, 1, 500, 501]);
});

it('a start the event loop made late keeps the schedule; an idle pacer starts again from now', async () => {
  const pacer = createRequestPacer({ perSecond: 10, now: () => Date.now() });
  const { starts, request } = recorder();
  await pacer.run(request); // 0; the next slot is 100
  jest.setSystemTime(130); // the clock moved on without the timers: the loop was busy for 130 ms
  await pacer.run(request); // starts at once, 30 ms late: its slot was 100, so the next is 200
  const next = pacer.run(request);
  await jest.advanceTimersByTimeAsync(100);
  await next;
  jest.setSystemTime(1000); // idle: more than half a gap since the last slot
  await pacer.run(request);
  const after = pacer.run(request);
  await jest.advanceTimersByTimeAsync(200);
  await after;
  expect(starts).toEqual([0, 130, 200, 1000, 1100]);
});
