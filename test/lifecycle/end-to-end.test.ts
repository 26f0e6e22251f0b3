import { frappeSignature } from '../../src/webhooks/erpnext-contract';
import type { ProfileState } from '../../workflows/sync-profile';
import { demoStudents } from '../../sandboxes/demo-data';
import { enrolledUsers } from '../moodle/support/enrolled-users';
import { adminToken, eventually, startLifecycleStack, webhookSecret, type LifecycleStack } from './lifecycle-stack';
import { submitProgramEnrollment } from '../support/program-enrollment';

/**
 * The issue's definition of done, through the gateway on the real dev server with both
 * sandboxes: ERPNext fires its own signed webhooks (created by `campus-bridge setup`), workflows
 * run the real activities, Moodle is inspected through its web services.
 */
let stack: LifecycleStack;

beforeAll(async () => {
  stack = await startLifecycleStack();
}, 120_000);
afterAll(async () => stack?.close());

interface WorkflowStatus {
  status?: string;
  result?: Record<string, unknown>;
  failure?: { message: string; type?: string };
}

async function admin(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${stack.operatorUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${adminToken}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

const workflow = async (id: string) => (await admin('GET', `/admin/workflows/${encodeURIComponent(id)}`)).json as WorkflowStatus;
const finished = (id: string) => eventually(() => workflow(id), (w) => w.status !== undefined && w.status !== 'RUNNING');

/** Posts a webhook body the way Frappe sends it (json.dumps bytes, signature header, no Content-Type), bound to the path's event as setup's templates bind it. */
async function deliver(path: string, doc: Record<string, string>, secret = webhookSecret) {
  const bound = { event: path.split('/')[1], ...doc, modified: '2026-12-01 08:55:13.393763' };
  const body = `{${Object.entries(bound).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(', ')}}`;
  const response = await fetch(`${stack.gatewayUrl}/webhooks/erpnext/${path}`, {
    method: 'POST',
    headers: { 'x-frappe-webhook-signature': frappeSignature(body, secret) },
    body: Buffer.from(body),
  });
  return { status: response.status, json: (await response.json()) as { workflowId?: string; duplicate?: boolean; error?: string } };
}

const usersWithIdnumber = (idnumber: string) => stack.moodle.getUsersByField('idnumber', [idnumber]);
const activeCourseIdnumbers = async (userId: number) => (await stack.moodle.getUsersCourses(userId)).map((c) => c.idnumber).sort();

async function moodleRequests(): Promise<Record<string, number>> {
  return (await (await fetch(`${stack.moodleSandbox.url}/__sandbox/requests`)).json()) as Record<string, number>;
}

describe('student lifecycle end to end', () => {
  let student: string;
  let moodleUserId: number;
  let programEnrollment: string;

  it('a new Student gets exactly one Moodle user, its id written back, without a profile write', async () => {
    await fetch(`${stack.moodleSandbox.url}/__sandbox/requests`, { method: 'DELETE' });
    const created = await stack.erp.insert('Student', {
      first_name: 'Ada',
      last_name: 'Lovelace',
      student_email_id: 'ada.lovelace@students.cbu.example',
      student_mobile_number: '+44 7700 900777',
      address_line_1: '12 St James Square',
      city: 'London',
    });
    student = created.name;

    const onboarding = await finished(`onboard:${student}`);
    expect(onboarding).toMatchObject({ status: 'COMPLETED', result: { outcome: 'created', studentId: student, enrolledCourses: [] } });
    const users = await usersWithIdnumber(student);
    expect(users).toHaveLength(1);
    moodleUserId = users[0].id;
    expect(users[0]).toMatchObject({ username: student.toLowerCase(), email: 'ada.lovelace@students.cbu.example', city: 'London' });
    expect((await stack.erp.getDoc('Student', student)).custom_moodle_user_id).toBe(moodleUserId);
    expect(stack.moodleSandbox.state.mail.filter((m) => m.userid === moodleUserId)).toHaveLength(1);

    // The write-back fires on_update; its body shows that no field Moodle mirrors changed, so the
    // profile workflow (started by onboarding with what it wrote) reads and pushes nothing.
    const profile = stack.env.client.workflow.getHandle(`profile:${student}`);
    const state = await eventually(() => profile.query<ProfileState>('profileState'), (s) => s.unchangedSaves >= 1);
    // The insert's own on_update is covered by what onboarding wrote, the write-back's by the body.
    // On a slow machine the insert's save settles while onboarding runs, and however the two
    // interleave it writes nothing: read before onboarding linked the account, it finds none, or
    // onboarding's own (`no-moodle-account`); read after, it holds onboarding's baseline, shared
    // before the link was written, and Moodle already matches (`unchanged`, a read only).
    expect(state.unchangedSaves).toBeGreaterThanOrEqual(1);
    expect([undefined, 'no-moodle-account', 'unchanged']).toContain(state.last?.outcome);
    const requests = await moodleRequests();
    expect(requests.core_user_create_users).toBe(1);
    expect(requests.core_user_update_users ?? 0).toBe(0);
  });

  it('five identical deliveries still yield one user and one onboarding run', async () => {
    const before = stack.moodleSandbox.state.users.length;
    const responses = await Promise.all(Array.from({ length: 5 }, () => deliver('student/after_insert', { doctype: 'Student', name: student })));
    expect(responses.map((r) => r.status)).toEqual([202, 202, 202, 202, 202]);
    expect(responses.map((r) => r.json)).toEqual(Array(5).fill({ workflowId: `onboard:${student}`, duplicate: true }));
    expect(await usersWithIdnumber(student)).toHaveLength(1);
    expect(stack.moodleSandbox.state.users.length).toBe(before);
  });

  it('a submitted Program Enrollment enrols every mapped course in one call and reports the unmapped one', async () => {
    const pe = await submitProgramEnrollment(stack.erp, student, 'BSc Nursing');
    programEnrollment = pe.name;
    const enrolment = await finished(`enroll:${programEnrollment}`);
    expect(enrolment).toMatchObject({
      status: 'COMPLETED',
      result: { outcome: 'enrolled', moodleUserId, enrolledCourses: ['NUR101', 'NUR102', 'NUR103'], missingCourses: ['NUR110'] },
    });
    expect(await activeCourseIdnumbers(moodleUserId)).toEqual(['NUR101', 'NUR102', 'NUR103']);

    // Education made one Course Enrollment per course; their webhooks defer to the batch above.
    const courseEnrollments = await stack.erp.getList('Course Enrollment', { fields: ['name'], filters: [['program_enrollment', '=', programEnrollment]] });
    expect(courseEnrollments).toHaveLength(4);
    for (const { name } of courseEnrollments) {
      expect(await finished(`course-enrollment:${String(name)}:after_insert`)).toMatchObject({ status: 'COMPLETED', result: { outcome: 'covered-by-program-enrollment' } });
    }
    expect((await moodleRequests()).enrol_manual_enrol_users).toBe(1);
  });

  it('profile edits in ERPNext arrive in Moodle, including fields the token cannot read back', async () => {
    await stack.erp.update('Student', student, { city: 'Bath' });
    await stack.erp.update('Student', student, { city: 'Bristol', address_line_1: '1 Brunel Way' });
    const user = await eventually(
      async () => stack.moodleSandbox.state.users.find((u) => u.id === moodleUserId),
      (u) => u?.city === 'Bristol' && u.address === '1 Brunel Way',
    );
    expect(user).toMatchObject({ city: 'Bristol', address: '1 Brunel Way', phone1: '+44 7700 900777' });
  });

  it('a save that changes no field Moodle mirrors costs no call to either system', async () => {
    const profile = stack.env.client.workflow.getHandle(`profile:${student}`);
    const before = await eventually(() => profile.query<ProfileState>('profileState'), (s) => s.last?.outcome === 'pushed');
    const moodleBefore = await moodleRequests();
    await stack.erp.update('Student', student, { blood_group: 'O+' });
    const after = await eventually(() => profile.query<ProfileState>('profileState'), (s) => s.unchangedSaves > before.unchangedSaves);
    expect(after).toEqual({ ...before, unchangedSaves: before.unchangedSaves + 1 });
    expect(await moodleRequests()).toEqual(moodleBefore);
  });

  it('cancelling the Program Enrollment suspends the enrolments (the configured withdrawal), keeping grades', async () => {
    await stack.erp.cancel('Program Enrollment', programEnrollment);
    const cancelled = await stack.erp.getDoc('Program Enrollment', programEnrollment);
    const withdrawal = await finished(`withdraw:${programEnrollment}@${String(cancelled.modified)}`);
    expect(withdrawal).toMatchObject({ status: 'COMPLETED', result: { outcome: 'withdrawn', mode: 'suspend' } });
    expect(await activeCourseIdnumbers(moodleUserId)).toEqual([]);
    const nur101 = (await stack.moodle.getCoursesByField('idnumber', 'NUR101')).courses[0];
    expect((await enrolledUsers({ url: stack.moodleSandbox.url, token: 'dev-moodle-token' }, nur101.id)).map((u) => u.id)).toContain(moodleUserId);
  });

  it('links the hand-made account with the same email instead of creating a second one', async () => {
    const s = demoStudents.find((x) => x.moodle === 'unlinked-same-email')!;
    const handMade = (await stack.moodle.getUsersByField('email', [s.email]))[0];
    const before = stack.moodleSandbox.state.users.length;
    expect((await deliver('student/after_insert', { doctype: 'Student', name: s.name })).status).toBe(202);
    const onboarding = await finished(`onboard:${s.name}`);
    expect(onboarding).toMatchObject({ status: 'COMPLETED', result: { outcome: 'linked', moodleUserId: handMade.id } });
    expect((await usersWithIdnumber(s.name)).map((u) => u.id)).toEqual([handMade.id]);
    expect(stack.moodleSandbox.state.users.length).toBe(before);
    expect(await activeCourseIdnumbers(handMade.id)).toEqual([...demoProgramCourses(s.program)].sort());
  });

  it('parks an identity conflict for the operator, then follows the decision', async () => {
    const s = demoStudents.find((x) => x.moodle === 'conflicting-idnumber')!;
    const taken = (await stack.moodle.getUsersByField('email', [s.email]))[0];
    expect((await deliver('student/after_insert', { doctype: 'Student', name: s.name })).status).toBe(202);
    const workflowId = `onboard:${s.name}`;

    const listed = await eventually(
      () => admin('GET', '/admin/conflicts'),
      (r) => (r.json.conflicts as { workflowId: string }[]).some((c) => c.workflowId === workflowId),
    );
    expect((listed.json.conflicts as { workflowId: string; conflict: unknown }[]).find((c) => c.workflowId === workflowId)?.conflict).toMatchObject({
      kind: 'email-taken',
      studentId: s.name,
      candidates: [{ id: taken.id, idnumber: 'EDU-STU-2025-00417' }],
    });
    expect((await workflow(workflowId)).status).toBe('RUNNING');

    const refused = await admin('POST', `/admin/conflicts/${encodeURIComponent(workflowId)}`, { action: 'link', moodleUserId: 1 });
    expect(refused.status).toBe(409);
    expect(String(refused.json.error)).toMatch(/one of the conflicting accounts/);
    expect((await admin('POST', `/admin/conflicts/${encodeURIComponent(workflowId)}`, { action: 'bogus' })).status).toBe(400);

    // A link never overwrites another idnumber (link-safely.test.ts): the operator clears it in Moodle first.
    await stack.moodle.updateUsers([{ id: taken.id, idnumber: '' }]);
    const accepted = await admin('POST', `/admin/conflicts/${encodeURIComponent(workflowId)}`, { action: 'link', moodleUserId: taken.id });
    expect(accepted).toEqual({ status: 200, json: { workflowId, accepted: 'link' } });
    expect(await finished(workflowId)).toMatchObject({ status: 'COMPLETED', result: { outcome: 'linked', decision: 'link', moodleUserId: taken.id } });
    expect((await usersWithIdnumber(s.name)).map((u) => u.id)).toEqual([taken.id]);
    const after = await admin('GET', '/admin/conflicts');
    expect((after.json.conflicts as { workflowId: string }[]).map((c) => c.workflowId)).not.toContain(workflowId);
  });

  it('answers 400 to malformed and 401 to forged deliveries, starting nothing', async () => {
    const forged = await deliver('student/after_insert', { doctype: 'Student', name: 'EDU-STU-2026-77777' }, 'not-the-secret');
    const malformed = await deliver('program-enrollment/on_submit', { doctype: 'Program Enrollment', name: 'EDU-ENR-2026-77777' });
    expect([forged.status, malformed.status]).toEqual([401, 400]);
    expect(malformed.json.error).toMatch(/student/);
    expect((await admin('GET', '/admin/workflows/onboard:EDU-STU-2026-77777')).status).toBe(404);
    expect((await admin('GET', '/admin/workflows/enroll:EDU-ENR-2026-77777')).status).toBe(404);
  });

  it('fails a run for a document ERPNext does not have, with a reason an operator can act on', async () => {
    const delivered = await deliver('program-enrollment/on_submit', { doctype: 'Program Enrollment', name: 'EDU-ENR-2026-99999', student: 'EDU-STU-2026-99999', program: 'BA Business' });
    expect(delivered).toEqual({ status: 202, json: { workflowId: 'enroll:EDU-ENR-2026-99999', duplicate: false } });
    const failed = await finished('enroll:EDU-ENR-2026-99999');
    expect(failed.status).toBe('FAILED');
    expect(failed.failure).toEqual({ type: 'erpnext.DoesNotExistError', message: expect.stringMatching(/Program Enrollment/) });
    expect((await admin('POST', '/admin/conflicts/enroll:EDU-ENR-2026-00000', { action: 'skip' })).status).toBe(404);
  });

  it('keeps the admin API behind the bearer token', async () => {
    const response = await fetch(`${stack.operatorUrl}/admin/conflicts`, { headers: { authorization: 'Bearer wrong' } });
    expect(response.status).toBe(401);
  });
});

function demoProgramCourses(program: string): string[] {
  const courses: Record<string, string[]> = {
    'BSc Computer Science': ['CS101', 'CS102', 'CS201', 'MATH110'],
    'BA Business': ['BUS101', 'BUS102', 'ACC101', 'ECON101'],
    'BSc Nursing': ['NUR101', 'NUR102', 'NUR103'],
  };
  return courses[program];
}
