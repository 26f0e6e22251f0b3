import { execFileSync } from 'node:child_process';
import { workerMemoryEnvironment } from '../../src/temporal/worker-memory';

/**
 * The bounds only help if they reach the workflow thread: the SDK starts it as a worker_thread
 * without resourceLimits, so its heap limit must come from NODE_OPTIONS like the main one's.
 * A Node started in the worker's environment reports both isolates' limits.
 */
const heapLimitsScript = `
const v8 = require('node:v8');
const { Worker } = require('node:worker_threads');
const mb = (bytes) => Math.round(bytes / 2 ** 20);
const thread = new Worker("require('node:worker_threads').parentPort.postMessage(require('node:v8').getHeapStatistics().heap_size_limit)", { eval: true });
thread.once('message', (limit) => { console.log(JSON.stringify({ main: mb(v8.getHeapStatistics().heap_size_limit), thread: mb(limit) })); thread.terminate(); });
`;

const limitsIn = (env: NodeJS.ProcessEnv) => JSON.parse(execFileSync(process.execPath, ['-e', heapLimitsScript], { env, encoding: 'utf8' })) as { main: number; thread: number };

test('caps the heap of the main isolate and of a worker thread, which unbounded follow the machine', () => {
  const { NODE_OPTIONS: _ignored, ...withoutOptions } = process.env;
  const bounded = limitsIn({ ...withoutOptions, ...workerMemoryEnvironment });
  // 160 MB old space plus the young generation's semi-spaces.
  expect(bounded.main).toBeLessThan(200);
  expect(bounded.thread).toBeLessThan(200);
  const unbounded = limitsIn(withoutOptions);
  expect(unbounded.thread).toBeGreaterThan(bounded.thread);
});
