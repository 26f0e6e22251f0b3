import { mappingSchema } from '../../src/config/mapping-file';
import type { ErpnextClient } from '../../src/erpnext/client';
import type { ErpnextSandbox } from '../../sandboxes/erpnext';
import type { MoodleSandbox } from '../../sandboxes/moodle';
import { taskQueues } from '../../src/common/task-queues';
import { attendanceSyncSettings } from '../../src/starters/sync-settings';
import { syncAttendance, type AttendanceReport } from '../../workflows/sync-attendance';
import type { TemporalTestEnv } from '../support/temporal';
import { startSyncStack, type SyncStack } from './sync-stack';
import { erpnextWrites, requestCounts, resetRequestCounts, untilCompletedRunsVisible } from './sandbox-helpers';

jest.setTimeout(120_000);

// Europe/London: the demo's 09:00 UTC sessions fall on the same calendar day there.
const mapping = mappingSchema.parse({ attendance: { schedule: { cron: '30 2 * * *', timezone: 'Europe/London' }, submit: true } });

let stack: SyncStack;
let env: TemporalTestEnv;
let moodleSandbox: MoodleSandbox;
let erpSandbox: ErpnextSandbox;
let erp: ErpnextClient;

beforeAll(async () => {
  stack = await startSyncStack(mapping);
  ({ env, moodleSandbox, erpSandbox, erp } = stack);
  // Each demo session was taken as it ended (weeks apart, in the past), as teachers do.
  for (const session of moodleSandbox.state.attendanceSessions) if (session.lasttaken !== null) session.lasttaken = session.sessdate + session.duration;
});

afterAll(async () => stack?.close());

const run = (id: string): Promise<AttendanceReport> =>
  env.client.workflow.execute(syncAttendance, { workflowId: id, taskQueue: taskQueues.workflows, args: [{ settings: attendanceSyncSettings(mapping) }] });

describe('syncAttendance on the dev server against both sandboxes', () => {
  let first: AttendanceReport;

  it('creates one submitted Student Attendance per student, group and day on a first run', async () => {
    first = await run('attendance:test-first');
    const records = await erp.getList('Student Attendance', { fields: ['name', 'student', 'student_group', 'date', 'status', 'docstatus'], limitPageLength: 0 });
    expect(first.totals.created).toBeGreaterThan(0);
    expect(records).toHaveLength(first.totals.created);
    expect(new Set(records.map((r) => `${r.student}|${r.student_group}|${r.date}`)).size).toBe(records.length);
    expect(records.every((r) => r.docstatus === 1)).toBe(true);
    expect(new Set(records.map((r) => r.status))).toEqual(new Set(['Present', 'Leave', 'Absent']));
    const cs101 = first.courses.find((c) => c.course === 'CS101');
    expect(cs101).toMatchObject({ status: 'synced', sessions: 4, studentGroup: 'CS101 2026-27' });
  });

  it('writes nothing on a second run with nothing changed', async () => {
    await untilCompletedRunsVisible(env.client, 'syncAttendance', 1);
    await resetRequestCounts(erpSandbox.url);
    const second = await run('attendance:test-second');
    expect(erpnextWrites(await requestCounts(erpSandbox.url))).toEqual({});
    expect(second.totals).toMatchObject({ created: 0, updated: 0 });
    // Only the newest session (taken at the watermark itself) is looked at again; the three before it are not.
    expect(second.courses.find((c) => c.course === 'CS101')).toMatchObject({ sessions: 1 });
  });

  it('corrects exactly the changed mark when a session is taken again', async () => {
    await untilCompletedRunsVisible(env.client, 'syncAttendance', 2);
    const { state } = moodleSandbox;
    const course = state.courses.find((c) => c.idnumber === 'CS101');
    const attendance = state.modules.find((m) => m.courseid === course?.id && m.modname === 'attendance');
    const session = state.attendanceSessions.find((s) => s.attendanceid === attendance?.instance);
    const log = state.attendanceLogs.find((l) => l.sessionid === session?.id);
    const statuses = state.attendanceStatuses.filter((s) => s.attendanceid === attendance?.instance);
    const current = statuses.find((s) => s.id === log?.statusid)?.acronym;
    const replacement = statuses.find((s) => s.acronym === (current === 'A' ? 'P' : 'A'));
    if (!session || !log || !replacement) throw new Error('demo seed has no CS101 attendance');
    // What the attendance plugin does when a teacher re-takes a session: the log row changes and lasttaken moves.
    log.statusid = replacement.id;
    session.lasttaken = state.now();

    await resetRequestCounts(erpSandbox.url);
    const third = await run('attendance:test-third');
    expect(third.totals).toMatchObject({ created: 0, updated: 1 });
    // The re-taken first session and the newest one (at the watermark).
    expect(third.courses.find((c) => c.course === 'CS101')).toMatchObject({ sessions: 2, updated: 1 });
    expect(erpnextWrites(await requestCounts(erpSandbox.url))).toEqual({ 'PUT Student Attendance': 1 });
  });
});
