import { Connection } from '@temporalio/client';
import { searchAttributes } from '../../src/common/search-attributes';
import { startBenchTemporalServer } from '../../bench/support/temporal-server';
import { temporalAddress } from '../support/temporal';

/**
 * `BENCH_TEMPORAL_ADDRESS`: the benches run against a server you name (here the test run's dev
 * server) instead of starting one, leave it running when they end, and find the bridge's search
 * attributes on its `default` namespace.
 */
jest.setTimeout(60_000);

const before = process.env.BENCH_TEMPORAL_ADDRESS;
afterAll(() => {
  if (before === undefined) delete process.env.BENCH_TEMPORAL_ADDRESS;
  else process.env.BENCH_TEMPORAL_ADDRESS = before;
});

it('uses the named server, leaves it running, and its default namespace holds the search attributes', async () => {
  process.env.BENCH_TEMPORAL_ADDRESS = temporalAddress();
  const server = await startBenchTemporalServer();
  expect(server.address).toBe(temporalAddress());
  expect(server.description).toContain(temporalAddress());
  await server.stop();

  const connection = await Connection.connect({ address: temporalAddress() });
  try {
    const listed = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
    expect(Object.keys(listed.customAttributes ?? {})).toEqual(expect.arrayContaining(searchAttributes.map((key) => key.name)));
  } finally {
    await connection.close();
  }
});
