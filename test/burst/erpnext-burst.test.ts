import { createErpnextBurst } from '../../activities/burst/erpnext-burst';
import { createErpnextClient } from '../../src/erpnext/client';
import { createRequestPacer } from '../../src/http/request-pacer';
import { startErpnextSandbox, type ErpnextSandbox } from '../../sandboxes/erpnext';

/**
 * The lone write-back (the `PUT Student` an admission alone makes) carries its activity's
 * cancellation to the request. The client's pacer is paused so the PUT is still waiting for its
 * turn when the activity is cancelled: a request that took the signal never leaves, one that did
 * not would go out when the pause ends. The sandbox's own request count says which happened.
 */
let sandbox: ErpnextSandbox;
beforeAll(async () => {
  sandbox = await startErpnextSandbox({ seed: 'demo' });
});
afterAll(async () => sandbox?.close());

const putStudents = async () => ((await (await fetch(`${sandbox.url}/__sandbox/requests`)).json()) as Record<string, number>)['PUT Student'] ?? 0;

it('a cancelled lone write-back never sends its PUT; an uncancelled one does, once', async () => {
  const pacer = createRequestPacer({ perSecond: 1000 });
  const erp = createErpnextClient({ url: sandbox.url, apiKey: 'dev-key', apiSecret: 'dev-secret', pacer });
  const [student] = await erp.getList<{ name: string }>('Student', { fields: ['name'], limitPageLength: 1 });
  const burst = createErpnextBurst(erp);
  await fetch(`${sandbox.url}/__sandbox/requests`, { method: 'DELETE' });

  pacer.pauseFor(300);
  const cancel = new AbortController();
  const cancelled = burst.writeMoodleUserId({ student: student!.name, moodleUserId: 9001 }, cancel.signal);
  cancel.abort(new Error('activity cancelled'));
  await expect(cancelled).rejects.toThrow('activity cancelled');
  await new Promise((resolve) => setTimeout(resolve, 600));
  expect(await putStudents()).toBe(0);

  pacer.pauseFor(300);
  await burst.writeMoodleUserId({ student: student!.name, moodleUserId: 9001 }, new AbortController().signal);
  expect(await putStudents()).toBe(1);
});
