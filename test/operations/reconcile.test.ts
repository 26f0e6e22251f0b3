import { demoMoodleAccounts, demoPlantedProblems, demoStudents, programOf } from '../../sandboxes/demo-data';
import { reconcileCommand } from '../../src/commands/reconcile';
import { statusCommand } from '../../src/commands/status';
import { trailCommand } from '../../src/commands/trail';
import { mappingSchema } from '../../src/config/mapping-file';
import { startReconcile } from '../../src/operations/reconcile-runs';
import type { ReconcileResult } from '../../workflows/reconcile';
import { reconcileProgressQuery } from '../../workflows/reconcile';
import { eventually, startLifecycleStack, type LifecycleStack } from '../lifecycle/lifecycle-stack';

let stack: LifecycleStack;
const mapping = mappingSchema.parse({});
const quiet = { print: () => undefined };

beforeAll(async () => {
  stack = await startLifecycleStack();
}, 60_000);
afterAll(() => stack?.close());

const [unenrolled, suspended] = demoStudents.filter((s) => s.moodle === 'linked' && s.enrolled);
const fresh = demoStudents.find((s) => s.moodle === 'none' && s.enrolled)!;
const firstCourse = (s: (typeof demoStudents)[number]) => programOf(s.program).courses[0];

async function moodleIds() {
  const users = await stack.moodle.getUsersByField('username', [unenrolled.name.toLowerCase(), suspended.name.toLowerCase()]);
  const course = async (idnumber: string) => (await stack.moodle.getCoursesByField('idnumber', idnumber)).courses[0].id;
  return { users, course };
}

async function reportOnly(): Promise<ReconcileResult> {
  return (await reconcileCommand({ client: stack.env.client, env: {}, ...quiet })) as ReconcileResult;
}

describe('reconcile and heal on both demo sandboxes', () => {
  it('finds planted drift, parks a large heal for a go-ahead naming the numbers, and heals through the normal workflows', async () => {
    // Drift made by hand in Moodle: one enrolment removed, one suspended.
    const { users, course } = await moodleIds();
    const userOf = (s: typeof unenrolled) => users.find((u) => u.username === s.name.toLowerCase())!.id;
    await stack.moodle.unenrolUsers([{ userid: userOf(unenrolled), courseid: await course(firstCourse(unenrolled)) }]);
    await stack.moodle.enrolUsers([{ userid: userOf(suspended), courseid: await course(firstCourse(suspended)), roleid: 5, suspend: true }]);

    const before = await reportOnly();
    const drift = (student: string) => before.report.drift.filter((d) => d.student === student).map((d) => `${d.kind}${d.course ? ` ${d.course}` : ''}`);
    expect(drift(unenrolled.name)).toContain(`enrolment-missing ${firstCourse(unenrolled)}`);
    expect(drift(suspended.name)).toContain(`enrolment-suspended ${firstCourse(suspended)}`);
    expect(drift(fresh.name)).toEqual(['no-moodle-account']);
    for (const student of [demoPlantedProblems.accountWithOtherIdnumber, demoPlantedProblems.emailsDifferingInCase, demoPlantedProblems.idnumberOnTwoAccounts]) {
      expect(drift(student)).toEqual(['identity-conflict']);
    }
    expect(drift(demoPlantedProblems.noDeliverableEmail)).toEqual([]);
    expect(before.heal).toBeNull();
    expect(before.report.heal.map((h) => h.kind)).not.toContain('profile'); // nothing planted there

    // Heal: far more than ten changes, so the breaker parks the run with the numbers.
    const handle = await startReconcile(stack.env.client, mapping, { heal: true });
    let progress = await handle.query(reconcileProgressQuery);
    for (let i = 0; i < 100 && progress.state !== 'awaiting-go-ahead'; i++) {
      await new Promise((r) => setTimeout(r, 200));
      progress = await handle.query(reconcileProgressQuery);
    }
    expect(progress).toMatchObject({ state: 'awaiting-go-ahead', verdict: { proceed: false, changes: before.report.heal.length, total: demoStudents.length } });
    const status = await statusCommand({ client: stack.env.client, env: {}, ...quiet });
    expect(status.waiting).toContainEqual(expect.objectContaining({ workflowId: handle.workflowId, on: expect.stringContaining(`${before.report.heal.length} changes exceed the limit of 10`) }));

    const healed = (await reconcileCommand({ client: stack.env.client, env: {}, goAhead: handle.workflowId, ...quiet })) as ReconcileResult;
    expect(healed.heal?.goAhead).toMatchObject({ approve: true });
    expect(healed.heal?.started.map((s) => s.outcome)).toEqual(before.report.heal.map(() => 'started'));
    for (const started of healed.heal!.started) await stack.env.client.workflow.getHandle(started.workflowId).result();

    // Moodle's own answer: both enrolments active again, the fresh student has an account.
    expect((await stack.moodle.getEnrolledUsers(await course(firstCourse(unenrolled)), { onlyactive: true })).map((u) => u.id)).toContain(userOf(unenrolled));
    expect((await stack.moodle.getEnrolledUsers(await course(firstCourse(suspended)), { onlyactive: true })).map((u) => u.id)).toContain(userOf(suspended));
    expect(await stack.moodle.getUsersByField('idnumber', [fresh.name])).toHaveLength(1);

    const after = await reportOnly();
    expect(after.report.counts).toEqual({ 'identity-conflict': before.report.counts['identity-conflict'] });
    expect(after.report.heal).toEqual([]);
  }, 180_000);

  it('status and trail show what the runs did', async () => {
    // Visibility lists a closed run a moment after its result is back (eventually consistent): seen once at 2 in CI.
    const reconcileOk = (s: Awaited<ReturnType<typeof statusCommand>>) => s.processes.find((p) => p.workflowType === 'reconcile')?.ok;
    const status = await eventually(() => statusCommand({ client: stack.env.client, env: {}, ...quiet }), (s) => reconcileOk(s) === 3);
    expect(status.processes).toContainEqual(expect.objectContaining({ workflowType: 'onboardStudent', ok: expect.any(Number), failed: 0 }));
    expect(reconcileOk(status)).toBe(3);

    const lines: string[] = [];
    const trail = await trailCommand({ client: stack.env.client, env: {}, student: fresh.name, print: (l) => lines.push(l) });
    const onboarding = trail.runs.find((r) => r.workflowType === 'onboardStudent')!;
    expect(onboarding).toMatchObject({ status: 'COMPLETED', trigger: expect.stringContaining('reconcile heal') });
    expect(onboarding.decisions).toContainEqual(expect.stringMatching(/^outcome: created \(Moodle user \d+\)$/));
    expect(onboarding.calls.filter((c) => c.system === 'moodle').map((c) => c.outcome)).not.toContain('failed');
    expect(onboarding.calls.map((c) => c.system)).toEqual(expect.arrayContaining(['moodle', 'erpnext']));
    expect(lines.join('\n')).toContain('onboard:' + fresh.name);
    expect(demoMoodleAccounts.some((a) => a.idnumber === fresh.name)).toBe(false);
  }, 60_000);
});

describe('the admin API over the same data', () => {
  const admin = (path: string, init: RequestInit = {}) =>
    fetch(`${stack.operatorUrl}${path}`, { ...init, headers: { authorization: 'Bearer lifecycle-admin-token', 'content-type': 'application/json', ...(init.headers ?? {}) } });

  it('starts a report-only run, shows its result, refuses a go-ahead it is not waiting for, and serves status and trail', async () => {
    const started = await admin('/admin/reconcile', { method: 'POST', body: JSON.stringify({ heal: false }) });
    expect(started.status).toBe(202);
    const { workflowId } = (await started.json()) as { workflowId: string };
    await stack.env.client.workflow.getHandle(workflowId).result();
    const shown = (await (await admin(`/admin/reconcile/${encodeURIComponent(workflowId)}`)).json()) as { status: string; result: ReconcileResult };
    expect(shown).toMatchObject({ status: 'COMPLETED', result: { heal: null, report: { students: demoStudents.length } } });
    const refused = await admin(`/admin/reconcile/${encodeURIComponent(workflowId)}/go-ahead`, { method: 'POST', body: JSON.stringify({ approve: true }) });
    expect(refused.status).toBe(409);

    const status = (await (await admin('/admin/status')).json()) as { processes: { workflowType: string }[] };
    expect(status.processes.map((p) => p.workflowType)).toContain('reconcile');
    const trail = (await (await admin(`/admin/students/${fresh.name}/trail`)).json()) as { runs: { workflowId: string }[] };
    expect(trail.runs.map((r) => r.workflowId)).toContain(`onboard:${fresh.name}`);
    expect((await fetch(`${stack.operatorUrl}/admin/status`)).status).toBe(401);
  }, 60_000);
});
