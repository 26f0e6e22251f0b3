import { Client, Connection } from '@temporalio/client';
import Long from 'long';
import { searchAttributes, StudentId, studentRunAttributes } from '../../src/common/search-attributes';
import { startDevServer, type DevServer } from '../../src/temporal/dev-server';
import { registerSearchAttributes } from '../../src/temporal/register-search-attributes';
import { syncKinds } from '../../src/common/sync-kinds';
import { freePort } from '../support/free-port';

/*
 * The dev server we start keeps the search-attribute cache a production server keeps
 * (src/temporal/dev-server.ts): starts that carry our attributes do not each read the cluster
 * metadata from SQLite (read off the server's own persistence metrics), and a namespace's new
 * attributes are usable once registerSearchAttributes returns.
 */
let server: DevServer;
let metricsUrl: string;

beforeAll(async () => {
  const metricsPort = await freePort();
  server = await startDevServer({ port: await freePort(), metricsPort });
  metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
});
afterAll(() => server?.stop());

/** How many times the server has asked its persistence for one operation, summed over its services. */
async function persistenceRequests(operation: string): Promise<number> {
  const text = await (await fetch(metricsUrl)).text();
  const line = new RegExp(`^persistence_requests\\{[^}]*operation="${operation}"[^}]*\\} (\\S+)$`, 'gm');
  return [...text.matchAll(line)].reduce((sum, match) => sum + Number(match[1]), 0);
}

test('fifty starts with search attributes read the cluster metadata a handful of times, not once each', async () => {
  const connection = await Connection.connect({ address: server.address });
  try {
    const client = new Client({ connection });
    const before = await persistenceRequests('GetCurrentClusterMetadata');
    for (let i = 0; i < 50; i++) {
      await client.workflow.start('onboardStudent', {
        taskQueue: 'dev-server-caches',
        workflowId: `cache-probe-${i}`,
        args: [],
        typedSearchAttributes: studentRunAttributes(syncKinds.onboard, `EDU-STU-CACHE-${i}`),
      });
    }
    // The server publishes its counters on an interval: wait until they include the fifty creates.
    const deadline = Date.now() + 15_000;
    while ((await persistenceRequests('CreateWorkflowExecution')) < 50 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await persistenceRequests('CreateWorkflowExecution')).toBeGreaterThanOrEqual(50);
    const reads = (await persistenceRequests('GetCurrentClusterMetadata')) - before;
    // With the CLI's default (cache off) this is at least one a start: 50 or more.
    expect(reads).toBeLessThan(10);
  } finally {
    await connection.close();
  }
});

test('a namespace made while the server runs can take a start with our attributes as soon as they are registered', async () => {
  const connection = await Connection.connect({ address: server.address });
  try {
    const namespace = `cache-probe-${Date.now()}`;
    await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: { seconds: Long.fromNumber(24 * 3600) } });
    expect(await registerSearchAttributes(connection, namespace)).toEqual(searchAttributes.map((key) => key.name));
    // Before the registration waited for the server's cache, this start was refused as invalid.
    const client = new Client({ connection, namespace });
    const handle = await client.workflow.start('onboardStudent', {
      taskQueue: 'dev-server-caches',
      workflowId: 'cache-probe-new-namespace',
      args: [],
      typedSearchAttributes: studentRunAttributes(syncKinds.onboard, 'EDU-STU-CACHE-NEW'),
    });
    expect((await handle.describe()).typedSearchAttributes.get(StudentId)).toBe('EDU-STU-CACHE-NEW');
    expect(await registerSearchAttributes(connection, namespace)).toEqual([]);
  } finally {
    await connection.close();
  }
});
