import type { WorkflowHandle } from '@temporalio/client';
import { moodleUserIdField } from '../../src/erpnext/resources/students';
import { approveBackfillUpdate, backfillProgressQuery, pauseBackfillUpdate, resumeBackfillUpdate, type backfill, type BackfillState } from '../../workflows/backfill';
import { backfillRuns, moodleRequests, resetRequests, startBackfillStack, type BackfillStack } from './backfill-stack';
import { submitProgramEnrollment } from '../support/program-enrollment';

jest.setTimeout(240_000);

let stack: BackfillStack;

beforeAll(async () => {
  stack = await startBackfillStack({ extra: 10 });
});
afterAll(() => stack?.close());

async function until(handle: WorkflowHandle<typeof backfill>, test: (state: BackfillState) => boolean): Promise<BackfillState> {
  for (let i = 0; i < 600; i++) {
    const state = await handle.query(backfillProgressQuery).catch(() => null);
    if (state && test(state)) return state;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the backfill never reached the expected state');
}

async function admit(prefix: string, count: number): Promise<string[]> {
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const student = await stack.erp.insert('Student', { first_name: `${prefix}${i}`, last_name: 'Admit', student_email_id: `${prefix.toLowerCase()}${i}.admit@students.cbu.example` });
    await submitProgramEnrollment(stack.erp, student.name, 'BSc Nursing');
    names.push(student.name);
  }
  return names;
}

/** Each student: exactly one account carrying its idnumber, one welcome mail, the link written back, the program's courses. */
async function expectExactlySynced(students: string[], mailsBefore: number) {
  const mails = stack.moodleSandbox.state.mail.slice(mailsBefore);
  for (const student of students) {
    const accounts = stack.moodleSandbox.state.users.filter((u) => u.idnumber === student);
    expect(accounts).toHaveLength(1);
    expect(mails.filter((m) => m.userid === accounts[0]!.id)).toHaveLength(1);
    expect(Number((await stack.erp.getDoc('Student', student))[moodleUserIdField.fieldname])).toBe(accounts[0]!.id);
    expect((await stack.moodle.getUsersCourses(accounts[0]!.id)).map((c) => c.idnumber).sort()).toEqual(['NUR101', 'NUR102', 'NUR103']);
  }
  expect(mails).toHaveLength(students.length);
}

const slowMoodle = (on: boolean) =>
  fetch(`${stack.moodleSandbox.url}/__sandbox/settings`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ simulateMoodleTiming: on }) });

describe('operating a backfill', () => {
  it('the mass-change breaker parks a large run before any write, naming the numbers, until an operator approves', async () => {
    await resetRequests(stack.moodleSandbox.url);
    const mailsBefore = stack.moodleSandbox.state.mail.length;
    const handle = await stack.start({ limits: { maxChanges: 10, maxShare: 0.2 } });
    const parked = await until(handle, (s) => s.status === 'awaiting-go-ahead');

    expect(parked.verdict).toMatchObject({ proceed: false, total: 60 });
    expect(parked.planned!.changed).toBeGreaterThan(10);
    expect(parked.verdict!.proceed === false && parked.verdict!.reason).toContain(`${parked.planned!.changed} changes exceed the limit of 10`);
    const calls = await moodleRequests(stack.moodleSandbox);
    for (const fn of ['core_user_create_users', 'core_user_update_users', 'enrol_manual_enrol_users']) expect(calls[fn] ?? 0).toBe(0);
    expect(stack.moodleSandbox.state.mail.length).toBe(mailsBefore);
    await expect(handle.executeUpdate(pauseBackfillUpdate)).resolves.toMatchObject({ status: 'awaiting-go-ahead' });
    await handle.executeUpdate(resumeBackfillUpdate);

    await handle.executeUpdate(approveBackfillUpdate, { args: [{ approve: true, by: 'registrar' }] });
    const result = await handle.result();
    expect(result.wrote).toBe(true);
    expect(result.counts.create).toBe(parked.planned!.create);
    expect(result.counts.enrolments).toBe(parked.planned!.enrolments);
    expect(stack.moodleSandbox.state.mail.length - mailsBefore).toBe(parked.planned!.create);
    // A second go-ahead is refused: nothing is waiting for one.
    await expect(handle.executeUpdate(approveBackfillUpdate, { args: [{ approve: true }] })).rejects.toThrow();
  });

  it('a paused run starts no new batch until resumed, then finishes exactly', async () => {
    const students = await admit('Paused', 20);
    const mailsBefore = stack.moodleSandbox.state.mail.length;
    await slowMoodle(true);
    try {
      const handle = await stack.start({ students, batchSize: 4, parallelism: 1 });
      await until(handle, (s) => s.done >= 4);
      await handle.executeUpdate(pauseBackfillUpdate);
      // The batches already started finish (every batch holds 4 of the 20); then nothing moves.
      const paused = await until(handle, (s) => s.done === s.batch * 4);
      expect(paused.status).toBe('paused');
      expect(paused.done).toBeLessThan(20);
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const still = await handle.query(backfillProgressQuery);
      expect({ batch: still.batch, done: still.done }).toEqual({ batch: paused.batch, done: paused.done });

      await handle.executeUpdate(resumeBackfillUpdate);
      const result = await handle.result();
      expect(result.counts.create).toBe(20);
    } finally {
      await slowMoodle(false);
    }
    await expectExactlySynced(students, mailsBefore);
  });

  it('a run that continues as new every two batches carries on where it stopped and syncs every student exactly', async () => {
    const students = await admit('Continued', 12);
    const mailsBefore = stack.moodleSandbox.state.mail.length;
    const handle = await stack.start({ students, batchSize: 2, parallelism: 3, batchesPerRun: 2 });
    const result = await handle.result();
    expect(result.counts.create).toBe(12);
    // Six batches, two a run: three runs, each continued from the one before.
    expect(await backfillRuns(handle, stack.env.client)).toBe(3);
    await expectExactlySynced(students, mailsBefore);
  });

  it('workers stopped in the middle of a run lose nothing and duplicate nothing once they are back', async () => {
    const students = await admit('Stopped', 20);
    const mailsBefore = stack.moodleSandbox.state.mail.length;
    await slowMoodle(true);
    try {
      const handle = await stack.start({ students, batchSize: 5, parallelism: 2 });
      await until(handle, (s) => s.done >= 5);
      await stack.stopWorkers();
      await stack.startWorkers();
      const result = await handle.result();
      expect(result.counts.create + result.counts.alreadyLinked).toBe(20);
    } finally {
      await slowMoodle(false);
    }
    await expectExactlySynced(students, mailsBefore);
  });
});
