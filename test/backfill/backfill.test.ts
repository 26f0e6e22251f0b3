import { moodleUserIdField } from '../../src/erpnext/resources/students';
import { backfillProgressQuery, type BackfillResult } from '../../workflows/backfill';
import { backfillRuns, moodleRequests, resetRequests, startBackfillStack, type BackfillStack } from './backfill-stack';

jest.setTimeout(180_000);

let stack: BackfillStack;

beforeAll(async () => {
  stack = await startBackfillStack({ extra: 10 });
});
afterAll(() => stack?.close());

/** Everything a run could have written: Moodle users, enrolments, mails, and every Student's link. */
async function snapshot() {
  const state = stack.moodleSandbox.state;
  const links = await stack.erp.getList('Student', { fields: ['name', moodleUserIdField.fieldname], limitPageLength: 0 });
  return {
    users: state.users.map((u) => ({ id: u.id, username: u.username, idnumber: u.idnumber, email: u.email, firstname: u.firstname, lastname: u.lastname })),
    enrolments: state.userEnrolments.map((ue) => ({ ...ue })),
    mails: state.mail.length,
    links: Object.fromEntries(links.map((row) => [String(row.name), Number(row[moodleUserIdField.fieldname] ?? 0)])),
  };
}

/** The text of every payload in a history (the default converter writes JSON). */
function payloadTexts(history: unknown): string[] {
  const texts: string[] = [];
  const walk = (node: unknown): void => {
    if (node instanceof Uint8Array) return;
    if (Array.isArray(node)) return node.forEach(walk);
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === 'data' && value instanceof Uint8Array) texts.push(Buffer.from(value).toString('utf8'));
      else walk(value);
    }
  };
  walk(history);
  return texts;
}

describe('backfill', () => {
  let dry: BackfillResult;
  let first: BackfillResult;

  it('a dry run plans every student and writes nothing', async () => {
    const before = await snapshot();
    await resetRequests(stack.moodleSandbox.url);
    dry = await (await stack.start({ dryRun: true })).result();
    expect(await snapshot()).toEqual(before);
    const writes = await moodleRequests(stack.moodleSandbox);
    for (const fn of ['core_user_create_users', 'core_user_update_users', 'enrol_manual_enrol_users']) expect(writes[fn] ?? 0).toBe(0);

    expect(dry.wrote).toBe(false);
    expect(dry.total).toBe(60);
    expect(dry.planned).toEqual(dry.counts);
    expect(dry.counts.students + dry.issues.filter((i) => i.stage === 'read').length).toBe(60);
    // Every student is planned once: created, linked, already linked, a conflict or invalid.
    const { create, link, alreadyLinked, conflicts, failed } = dry.counts;
    expect(create + link + alreadyLinked + conflicts + failed).toBe(60);
    expect(dry.plan).toHaveLength(60);
    expect(dry.plan.filter((row) => row.action === 'create')).toHaveLength(create);
    expect(create).toBeGreaterThanOrEqual(10);
    expect(conflicts).toBeGreaterThan(0);
    expect(dry.counts.enrolments).toBeGreaterThan(0);
  });

  it('a dry run listing fewer plan rows brings only those into its history, and counts every student', async () => {
    const handle = await stack.start({ dryRun: true, batchSize: 10, planRows: 15 }, 'backfill:test-plan-rows');
    const listed = await handle.result();
    expect(listed.counts.students).toBe(dry.counts.students);
    expect(listed.plan).toHaveLength(15);
    // The first 15 Students by name: batches are promised rows in page order.
    const firstNames = dry.plan.map((row) => row.student).sort().slice(0, 15);
    expect(listed.plan.map((row) => row.student).sort()).toEqual(firstNames);
    // Six batches of 10 ran with 15 rows to list: the batches' results carried exactly those.
    const history = await handle.fetchHistory();
    const batchRows = (history.events ?? []).flatMap((event) => {
      const payload = event.childWorkflowExecutionCompletedEventAttributes?.result?.payloads?.[0]?.data;
      return payload ? [(JSON.parse(Buffer.from(payload).toString('utf8')) as { plan?: unknown[] }).plan?.length ?? 0] : [];
    });
    expect(batchRows).toHaveLength(6);
    expect(batchRows.reduce((sum, rows) => sum + rows, 0)).toBe(15);
  });

  it('a run writes what the dry run planned, in batched requests', async () => {
    await resetRequests(stack.moodleSandbox.url);
    const mailsBefore = stack.moodleSandbox.state.mail.length;
    const handle = await stack.start({});
    first = await handle.result();
    expect(first.wrote).toBe(true);
    // Each batch read its own page: the long-lived parent's history names pages, not Students' profiles.
    const studentEmails = (await stack.erp.getList('Student', { fields: ['student_email_id'], limitPageLength: 0 })).map((row) => String(row.student_email_id));
    const parentPayloads = payloadTexts(await handle.fetchHistory());
    expect(studentEmails.filter((email) => parentPayloads.some((text) => text.includes(email)))).toEqual([]);
    expect(first.counts.create).toBe(dry.counts.create);
    expect(first.counts.link).toBe(dry.counts.link);
    expect(first.counts.enrolments).toBe(dry.counts.enrolments);
    expect(first.counts.conflicts).toBe(dry.counts.conflicts);
    // One welcome mail per created account.
    expect(stack.moodleSandbox.state.mail.length - mailsBefore).toBe(first.counts.create);

    // 60 students in batches of 20: three batches, each one look-up by idnumber and one by email.
    const calls = await moodleRequests(stack.moodleSandbox);
    expect(calls.core_user_get_users_by_field).toBe(3 * 2);
    expect(calls.core_user_create_users).toBeLessThanOrEqual(3);
    expect(calls.enrol_manual_enrol_users).toBeLessThanOrEqual(3);

    for (const student of stack.added) {
      const [user] = await stack.moodle.getUsersByField('idnumber', [student]);
      expect(user).toBeDefined();
      const doc = await stack.erp.getDoc('Student', student);
      expect(Number(doc[moodleUserIdField.fieldname])).toBe(user!.id);
      const courses = await stack.moodle.getUsersCourses(user!.id);
      expect(courses.length).toBeGreaterThanOrEqual(3);
    }
  });

  it('running it again changes nothing, paging through every Student across continued runs', async () => {
    const before = await snapshot();
    await resetRequests(stack.moodleSandbox.url);
    // 60 Students in six pages (five of 11, the last of 5), two batches a run: the page cursor is
    // carried across two continue-as-news. A page skipped or read twice changes the counts below.
    const handle = await stack.start({ batchSize: 11, batchesPerRun: 2 });
    const again = await handle.result();
    expect(await backfillRuns(handle, stack.env.client)).toBe(3);
    expect(await snapshot()).toEqual(before);
    expect(again.counts).toMatchObject({ create: 0, link: 0, enrolments: 0, writeBacks: 0, profiles: 0 });
    expect(again.counts.alreadyLinked).toBe(first.counts.create + first.counts.link + first.counts.alreadyLinked);
    const calls = await moodleRequests(stack.moodleSandbox);
    for (const fn of ['core_user_create_users', 'core_user_update_users', 'enrol_manual_enrol_users']) expect(calls[fn] ?? 0).toBe(0);
  });

  it('the progress query shows the finished run', async () => {
    const handle = await stack.start({ dryRun: true }, 'backfill:test-progress');
    await handle.result();
    const progress = await handle.query(backfillProgressQuery);
    expect(progress).toMatchObject({ status: 'done', done: 60, total: 60 });
  });
});
