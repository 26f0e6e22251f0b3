import { demoStudents } from '../../sandboxes/demo-data';
import { retryCommand } from '../../src/commands/retry';
import type { RetriedRun } from '../../src/starters/lifecycle-retry';
import { frappeSignature } from '../../src/webhooks/erpnext-contract';
import { adminToken, eventually, startLifecycleStack, webhookSecret, type LifecycleStack } from '../lifecycle/lifecycle-stack';

/**
 * A lifecycle run that failed for a reason an operator then fixes, re-run with the admin route
 * and the CLI, on the dev server with both sandboxes. The failure is a real one: nobody resolves
 * an identity conflict within the (shortened) conflict timeout.
 */
let stack: LifecycleStack;

beforeAll(async () => {
  // The stack parses its mapping option as the file is written ("2s"); its type names the parsed form (ms).
  const mapping = { conflictTimeout: '2s' } as unknown as NonNullable<Parameters<typeof startLifecycleStack>[0]>['mapping'];
  stack = await startLifecycleStack({ mapping });
}, 120_000);
afterAll(async () => stack?.close());

async function retryRoute(workflowId: string) {
  const response = await fetch(`${stack.operatorUrl}/admin/workflows/${encodeURIComponent(workflowId)}/retry`, { method: 'POST', headers: { authorization: `Bearer ${adminToken}` } });
  return { status: response.status, json: (await response.json()) as RetriedRun };
}

async function closedStatus(workflowId: string): Promise<string> {
  const handle = stack.env.client.workflow.getHandle(workflowId);
  return eventually(() => handle.describe().then((d) => d.status.name, () => 'NOT_STARTED'), (s) => s !== 'RUNNING' && s !== 'NOT_STARTED', 30_000);
}

/**
 * The statuses of a workflow id's runs, once visibility shows none running: it is updated after the
 * run closes, so a list just after `result()` can still say RUNNING (seen once in CI).
 */
async function runsOf(workflowId: string): Promise<string[]> {
  const list = async () => {
    const statuses: string[] = [];
    for await (const execution of stack.env.client.workflow.list({ query: `WorkflowId = "${workflowId}"` })) statuses.push(execution.status.name);
    return statuses.sort();
  };
  return eventually(list, (statuses) => !statuses.includes('RUNNING'), 10_000);
}

describe('re-running failed lifecycle runs', () => {
  const s = demoStudents.find((x) => x.moodle === 'conflicting-idnumber')!;
  const workflowId = `onboard:${s.name}`;
  const startedAt = new Date();

  it('a run that failed stays failed until retried, and a retry of something else is refused', async () => {
    const body = `{"doctype": "Student", "event": "after_insert", "name": ${JSON.stringify(s.name)}, "modified": "2026-12-01 08:55:13.393763"}`;
    const delivered = await fetch(`${stack.gatewayUrl}/webhooks/erpnext/student/after_insert`, { method: 'POST', headers: { 'x-frappe-webhook-signature': frappeSignature(body, webhookSecret) }, body: Buffer.from(body) });
    expect(delivered.status).toBe(202);
    expect(await closedStatus(workflowId)).toBe('FAILED');

    expect((await retryRoute('onboard:EDU-STU-2026-00000')).status).toBe(404);
    // A repeat of the webhook would start it again too (ALLOW_DUPLICATE_FAILED_ONLY), but Frappe never re-sends.
  }, 60_000);

  it('after the cause is fixed, `retry --failed` re-runs it with its own input, and repeating it starts nothing', async () => {
    // The operator's fix: the Moodle account holding the student's email belongs to someone else; give it its own address.
    const [taken] = await stack.moodle.getUsersByField('email', [s.email]);
    await stack.moodle.updateUsers([{ id: taken.id, email: `former.${taken.id}@alumni.cbu.example` }]);

    const lines: string[] = [];
    const [retried, ...others] = await retryCommand({ failed: true, kind: 'onboard', since: startedAt.toISOString(), json: true, client: stack.env.client, print: (line) => lines.push(line) });
    expect(others).toEqual([]);
    expect(retried).toMatchObject({ workflowId, kind: 'onboard', outcome: 'restarted', failedStatus: 'FAILED' });
    expect(JSON.parse(lines.join('\n'))).toEqual([retried]);

    // A second retry while that run goes (or once it has finished) is a no-op.
    const again = await retryRoute(workflowId);
    expect([
      { status: 200, outcome: 'running', runId: retried.runId },
      { status: 409, outcome: 'completed', runId: retried.runId },
    ]).toContainEqual({ status: again.status, outcome: again.json.outcome, runId: again.json.runId });

    expect(await closedStatus(workflowId)).toBe('COMPLETED');
    const result = (await stack.env.client.workflow.getHandle(workflowId).result()) as { outcome: string; studentId: string };
    expect(result).toMatchObject({ studentId: s.name, outcome: 'created' });
    expect((await stack.moodle.getUsersByField('idnumber', [s.name])).map((u) => u.email)).toEqual([s.email]);
    expect(await runsOf(workflowId)).toEqual(['COMPLETED', 'FAILED']);

    expect(await retryRoute(workflowId)).toMatchObject({ status: 409, json: { outcome: 'completed' } });
    expect(await retryCommand({ failed: true, since: startedAt.toISOString(), json: true, client: stack.env.client, print: () => undefined })).toEqual([
      expect.objectContaining({ workflowId, outcome: 'completed' }),
    ]);
    expect(await runsOf(workflowId)).toEqual(['COMPLETED', 'FAILED']);
  }, 60_000);

  it('prints a table by default and refuses arguments that do not go together', async () => {
    const lines: string[] = [];
    await retryCommand({ workflowId, client: stack.env.client, print: (line) => lines.push(line) });
    expect(lines.join('\n')).toMatch(new RegExp(`${workflowId}.*onboard.*completed`));
    await expect(retryCommand({ workflowId, failed: true, client: stack.env.client })).rejects.toThrow('retry needs a workflow id or --failed (not both)');
    await expect(retryCommand({ failed: true, kind: 'grades', client: stack.env.client })).rejects.toThrow(/--kind expects one of onboard, enroll, withdraw/);
  });
});
