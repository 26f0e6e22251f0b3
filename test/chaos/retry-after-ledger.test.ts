import Fastify, { type FastifyInstance } from 'fastify';
import { faultsPlugin, sandboxClientHeader } from '../../sandboxes/faults';
import { retryAfterCounts } from './sandbox-faults';

/**
 * The sandboxes' Retry-After ledger on its own: a request its own client repeats before the delay
 * is a violation; the same request from another client is only counted as early from anyone.
 */
let app: FastifyInstance;
let url: string;

beforeAll(async () => {
  app = Fastify();
  await app.register(faultsPlugin, { initial: { rateLimit: { perSecond: 1, retryAfterSeconds: 30 } } });
  app.get('/api/thing', async () => ({ ok: true }));
  url = await app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => app?.close());

const get = async (client?: string) => {
  const response = await fetch(`${url}/api/thing`, { headers: client ? { [sandboxClientHeader]: client } : {} });
  await response.arrayBuffer();
  return response.status;
};

it('counts a repeat before Retry-After as a violation only when the same client sends it', async () => {
  // Past the limit of one a second: refused, told to wait 30 s.
  let refusals = 0;
  for (let i = 0; i < 10 && refusals === 0; i++) if ((await get('activity-a')) === 429) refusals++;
  expect(refusals).toBe(1);
  expect((await retryAfterCounts(url)).violations).toBe(0);
  // The same client at once: a violation.
  await get('activity-a');
  const afterOwnRepeat = await retryAfterCounts(url);
  // Another run's identical request: early from anyone, not this client's violation.
  await get('activity-b');
  const afterOther = await retryAfterCounts(url);

  expect(afterOwnRepeat.violations).toBe(1);
  expect(afterOwnRepeat.violatingRequests[0]).toMatch(/^GET \/api\/thing \(\d+ ms early\)$/);
  expect(afterOther.violations).toBe(afterOwnRepeat.violations);
  expect(afterOther.earlyFromAnyClient).toBe(afterOwnRepeat.earlyFromAnyClient + 1);
});
