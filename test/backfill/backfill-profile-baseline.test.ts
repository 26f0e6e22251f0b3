import { mappingSchema } from '../../src/config/mapping-file';
import { moodleUserIdField } from '../../src/erpnext/resources/students';
import { taskQueues } from '../../src/common/task-queues';
import { workflowIds } from '../../src/common/workflow-ids';
import type { backfill } from '../../workflows/backfill';
import type { ProfileState } from '../../workflows/sync-profile';
import { eventually, startLifecycleStack, type LifecycleStack } from '../lifecycle/lifecycle-stack';

jest.setTimeout(120_000);

// The whole deployment as setup wires it: the Student on_update Webhook goes to the gateway, so
// the backfill's write-back (bulk_update saves every Student it links) fires one per Student.
let stack: LifecycleStack;
const mapping = mappingSchema.parse({});

beforeAll(async () => {
  stack = await startLifecycleStack();
});
afterAll(() => stack?.close());

const requests = async (url: string) => (await (await fetch(`${url}/__sandbox/requests`)).json()) as Record<string, number>;
const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

async function links(): Promise<Map<string, number>> {
  const rows = await stack.erp.getList('Student', { fields: ['name', moodleUserIdField.fieldname], limitPageLength: 0 });
  return new Map(rows.map((row) => [String(row.name), Number(row[moodleUserIdField.fieldname] ?? 0)]));
}

describe('backfill and the profile workflows', () => {
  it("starts each linked Student's profile workflow with what it wrote, so the write-back's saves cost no call", async () => {
    const before = await links();
    const handle = await stack.env.client.workflow.start<typeof backfill>('backfill', {
      workflowId: `backfill:profile-baseline-${process.pid}`,
      taskQueue: taskQueues.workflows,
      args: [{ dryRun: false, limits: null, roleId: mapping.moodle.studentRoleId, auth: mapping.moodle.auth, batchSize: 20, parallelism: 2 }],
    });
    await handle.result();
    const after = await links();
    // Every sync the saves could cause waits out its 1 s settle after its save, so it comes after this.
    for (const url of [stack.moodleSandbox.url, stack.erpnextSandbox.url]) await fetch(`${url}/__sandbox/requests`, { method: 'DELETE' });

    const written = [...after].filter(([name, id]) => id !== 0 && id !== before.get(name)).map(([name]) => name);
    expect(written.length).toBeGreaterThan(10);
    const states: ProfileState[] = [];
    for (const student of written) {
      const profile = stack.env.client.workflow.getHandle(workflowIds.profile(student));
      // The write-back's on_update reached the run the backfill started, and was seen as unchanged.
      states.push(await eventually(() => profile.query<ProfileState>('profileState'), (s) => s.unchangedSaves >= 1));
    }
    expect(states.filter((s) => s.unchangedSaves < 1)).toEqual([]);
    // No profile run read the Student or called Moodle: none synced.
    expect(states.filter((s) => s.syncs > 0 || s.last !== null)).toEqual([]);
    // Past the settle of the last save: still nothing asked of either system.
    await new Promise((r) => setTimeout(r, 1500));
    expect(total(await requests(stack.moodleSandbox.url))).toBe(0);
    expect((await requests(stack.erpnextSandbox.url))['GET Student'] ?? 0).toBe(0);
  });
});
