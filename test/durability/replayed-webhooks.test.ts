import { pyJsonDumps } from '../../sandboxes/erpnext/py-json';
import { frappeSignature, frappeSignatureHeader } from '../../src/webhooks/erpnext-contract';
import { runsOf } from './feed-support';
import { deliveredBody, loggedSignature } from './logged-delivery';
import { eventually, startLifecycleStack, webhookSecret, type LifecycleStack } from '../lifecycle/lifecycle-stack';
import { submitProgramEnrollment } from '../support/program-enrollment';

/**
 * Replay attacks on the real dev server with both sandboxes: ERPNext's own signed deliveries
 * (created by setup), read back from its Webhook Request Log the way any desk user could, and
 * posted again where they do harm.
 */
let stack: LifecycleStack;

beforeAll(async () => {
  stack = await startLifecycleStack();
}, 120_000);
afterAll(async () => stack?.close());

interface LoggedDelivery {
  url: string;
  body: string;
  signature: string;
}

/** The successful delivery of `event` for `docname`, as its Webhook Request Log row shows it (data and headers). */
async function loggedDelivery(docname: string, event: string): Promise<LoggedDelivery> {
  const rows = await stack.erp.getList('Webhook Request Log', { fields: ['url', 'data', 'headers', 'response'], filters: [['reference_document', '=', docname]], limitPageLength: 100 });
  const row = rows.find((r) => String(r.url).endsWith(`/${event}`) && r.response !== null);
  if (!row) throw new Error(`no logged ${event} delivery for ${docname}`);
  return { url: String(row.url), body: await deliveredBody(stack.erp, String(row.url), String(row.data)), signature: loggedSignature(String(row.headers)) };
}

async function post(path: string, body: string, signature: string) {
  const response = await fetch(`${stack.gatewayUrl}${path}`, { method: 'POST', headers: { [frappeSignatureHeader]: signature }, body: Buffer.from(body) });
  return { status: response.status, json: (await response.json()) as { workflowId?: string; duplicate?: boolean; error?: string } };
}

/** Waits for the run ERPNext's webhook starts (asynchronously, after its commit) to close. */
async function finished(workflowId: string) {
  const handle = stack.env.client.workflow.getHandle(workflowId);
  await eventually(() => handle.describe().then((d) => d.status.name, () => 'NOT_STARTED'), (s) => s !== 'RUNNING' && s !== 'NOT_STARTED');
  return { status: (await handle.describe()).status.name, result: (await handle.result()) as Record<string, unknown> };
}

const activeCourses = async (userId: number) => (await stack.moodle.getUsersCourses(userId)).map((c) => c.idnumber).sort();

describe('replayed, early and out-of-order webhook bodies', () => {
  it('cannot cancel by replay, and a stale cancel before the real one does not make the real one a duplicate', async () => {
    const student = await stack.erp.insert('Student', { first_name: 'Grace', last_name: 'Hopper', student_email_id: 'grace.hopper@students.cbu.example' });
    expect((await finished(`onboard:${student.name}`)).result).toMatchObject({ outcome: 'created' });
    const [moodleUser] = await stack.moodle.getUsersByField('idnumber', [student.name]);

    const pe = await submitProgramEnrollment(stack.erp, student.name, 'BSc Nursing');
    expect((await finished(`enroll:${pe.name}`)).result).toMatchObject({ outcome: 'enrolled' });
    expect(await activeCourses(moodleUser.id)).toEqual(['NUR101', 'NUR102', 'NUR103']);

    // 1. The genuine on_submit delivery, replayed to the on_cancel route: refused, nothing started.
    const submitted = await loggedDelivery(pe.name, 'on_submit');
    // Re-posted to its own route it is the genuine delivery (the rebuilt bytes verify), and it names
    // the run that already did the work (the gateway remembers having handed it to Temporal).
    expect(await post(submitted.url.replace(/^https?:\/\/[^/]+/, ''), submitted.body, submitted.signature)).toMatchObject({ status: 202, json: { workflowId: `enroll:${pe.name}` } });
    const crossed = await post('/webhooks/erpnext/program-enrollment/on_cancel', submitted.body, submitted.signature);
    expect(crossed).toEqual({ status: 400, json: { error: 'the body is for Program Enrollment on_submit, not on_cancel' } });

    // 2. A cancel for the still-submitted version arrives first (early or out of order): the
    //    workflow re-reads the document, finds it submitted, and changes nothing.
    const current = await stack.erp.getDoc('Program Enrollment', pe.name);
    const early = pyJsonDumps({ doctype: 'Program Enrollment', event: 'on_cancel', name: pe.name, student: student.name, program: 'BSc Nursing', modified: current.modified });
    const earlyAnswer = await post('/webhooks/erpnext/program-enrollment/on_cancel', early, frappeSignature(early, webhookSecret));
    expect(earlyAnswer).toEqual({ status: 202, json: { workflowId: `withdraw:${pe.name}@${String(current.modified)}`, duplicate: false } });
    expect((await finished(earlyAnswer.json.workflowId!)).result).toMatchObject({ outcome: 'not-cancelled' });
    expect(await activeCourses(moodleUser.id)).toEqual(['NUR101', 'NUR102', 'NUR103']);

    // 3. The registrar really cancels: ERPNext's own on_cancel starts its own withdrawal.
    await stack.erp.cancel('Program Enrollment', pe.name);
    const cancelled = await stack.erp.getDoc('Program Enrollment', pe.name);
    const realId = `withdraw:${pe.name}@${String(cancelled.modified)}`;
    expect(realId).not.toBe(earlyAnswer.json.workflowId);
    expect(await finished(realId)).toMatchObject({ status: 'COMPLETED', result: { outcome: 'withdrawn' } });
    expect(await activeCourses(moodleUser.id)).toEqual([]);

    // 4. Replaying the genuine cancel names the real withdrawal (a repeat of it), not a second one.
    const cancelDelivery = await loggedDelivery(pe.name, 'on_cancel');
    expect(await post('/webhooks/erpnext/program-enrollment/on_cancel', cancelDelivery.body, cancelDelivery.signature)).toMatchObject({ status: 202, json: { workflowId: realId } });
    expect(await runsOf(stack.env.client, realId)).toBe(1);
  }, 90_000);
});
