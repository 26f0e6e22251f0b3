import { schedulesCommand } from '../../src/commands/schedules';
import { syncCommand } from '../../src/commands/sync';
import { scheduleIds } from '../../src/starters/nightly-schedules';
import { changeFeedScheduleId } from '../../src/starters/change-feed-schedule';
import { singleSyncRuns } from '../../src/common/sync-runs';
import { connectTestEnv, type TemporalTestEnv } from '../support/temporal';
import { untilScheduleStarted } from './sandbox-helpers';

// No workers: these tests are about what the commands create and start.
let env: TemporalTestEnv;

beforeAll(async () => {
  env = await connectTestEnv();
});

afterAll(async () => {
  await env?.close();
});

function printer() {
  const lines: string[] = [];
  return { lines, print: (line: string) => lines.push(line) };
}

describe('campus-bridge schedules', () => {
  it('apply creates both Schedules, a second apply updates them, trigger starts a run', async () => {
    const first = printer();
    await schedulesCommand({ action: 'apply', client: env.client, env: {}, print: first.print });
    expect(first.lines).toEqual(expect.arrayContaining([`schedule ${scheduleIds.grades}: created`, `schedule ${scheduleIds.attendance}: created`, `schedule ${changeFeedScheduleId}: created`]));
    expect(first.lines.every((line) => line.endsWith(': created'))).toBe(true);

    const second = printer();
    await schedulesCommand({ action: 'apply', client: env.client, env: {}, print: second.print });
    expect(second.lines).toEqual(first.lines.map((line) => line.replace(': created', ': updated')));

    const triggered = printer();
    await schedulesCommand({ action: 'trigger', which: 'attendance', client: env.client, env: {}, print: triggered.print });
    expect(triggered.lines).toEqual([`schedule ${scheduleIds.attendance}: triggered`]);
    const workflowId = await untilScheduleStarted(env.client.schedule.getHandle(scheduleIds.attendance));
    expect(workflowId).toMatch(/^attendance:nightly-/);
    // No worker here: the Schedule's run, which would hand its request over, waits; end it.
    await env.client.workflow.getHandle(workflowId).terminate('test over');
  });
});

describe('campus-bridge sync', () => {
  it('starts syncGrades for one course and prints its workflow id', async () => {
    const out = printer();
    await syncCommand({ what: 'grades', course: 'CS101', client: env.client, env: {}, print: out.print });
    const [line] = out.lines;
    const handle = env.client.workflow.getHandle(singleSyncRuns.grades.workflowId);
    const described = await handle.describe();
    expect(line).toBe(`started ${singleSyncRuns.grades.workflowId} (run ${described.runId})`);
    expect(described.type).toBe('syncGrades');
    await handle.terminate('test over');
  });
});
