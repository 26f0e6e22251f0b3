import { createServer, type Server } from 'node:http';
import { createErpnextClient } from '../../src/erpnext/client';
import { startErpnextSandbox } from '../../sandboxes/erpnext';

/**
 * A site delivers as many webhooks at once as it has background workers on the Webhook's queue:
 * each delivery is one RQ job, run one at a time by a worker (sandboxes/erpnext/webhooks.ts). A
 * receiver that answers after 50 ms counts the deliveries it holds at once.
 */
interface SlowReceiver {
  url: string;
  received(): number;
  mostAtOnce(): number;
  close(): Promise<void>;
}

async function startSlowReceiver(): Promise<SlowReceiver> {
  let open = 0;
  let most = 0;
  let received = 0;
  const server: Server = createServer((req, res) => {
    open++;
    most = Math.max(most, open);
    req.resume();
    req.on('end', () =>
      setTimeout(() => {
        open--;
        received++;
        res.end('accepted');
      }, 50),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    received: () => received,
    mostAtOnce: () => most,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Inserts `count` Students in one insert_many with an after_insert Webhook; resolves with the receiver once all arrived. */
async function deliveriesOfOneImport(count: number, webhookWorkers?: number): Promise<{ received: number; mostAtOnce: number }> {
  const sandbox = await startErpnextSandbox({ seed: 'demo', webhookWorkers });
  const receiver = await startSlowReceiver();
  try {
    const erp = createErpnextClient({ url: sandbox.url, apiKey: 'dev-key', apiSecret: 'dev-secret' });
    await erp.insert('Webhook', { name: 'Student after_insert', webhook_doctype: 'Student', webhook_docevent: 'after_insert', request_url: `${receiver.url}/hook`, request_structure: 'JSON', webhook_json: '{{ doc | tojson }}' });
    await erp.insertMany(Array.from({ length: count }, (_, i) => ({ doctype: 'Student', first_name: `Worker${i}`, last_name: 'Hook', student_email_id: `worker${i}.hook@students.cbu.example` })));
    await sandbox.state.webhooks.idle();
    return { received: receiver.received(), mostAtOnce: receiver.mostAtOnce() };
  } finally {
    await sandbox.close();
    await receiver.close();
  }
}

it('two background workers deliver two webhooks at a time, every one of them', async () => {
  expect(await deliveriesOfOneImport(8, 2)).toEqual({ received: 8, mostAtOnce: 2 });
});

it('with no number of workers set, every delivery of an import goes at once', async () => {
  const { received, mostAtOnce } = await deliveriesOfOneImport(8);
  expect(received).toBe(8);
  expect(mostAtOnce).toBeGreaterThan(2);
});
