import { ApplicationFailure } from '@temporalio/common';
import type { Browser, Page } from 'playwright-core';
import { demoStudents } from '../../sandboxes/demo-data';
import { runLink } from '../../src/console/temporal-links';
import { frappeSignature } from '../../src/webhooks/erpnext-contract';
import { adminToken, eventually, startLifecycleStack, webhookSecret, type LifecycleStack } from '../lifecycle/lifecycle-stack';
import { launchChromium } from './browser';

/**
 * The operator console in headless Chromium against the whole stack (dev server, both sandboxes,
 * real workers and gateway): log in, read the status, resolve a parked identity conflict with its
 * button and see the onboarding finish and the account linked in Moodle, retry a failed run,
 * open the 360° page of a student. Moodle is checked through its web services, ERPNext's webhooks
 * are its own (setup provisions them).
 */
let stack: LifecycleStack;
let browser: Browser;
let page: Page;
/** While on, ERPNext "refuses" Program Enrollment reads: the failure an operator fixes and then retries. */
let refuseEnrollmentReads = false;

beforeAll(async () => {
  [stack, browser] = await Promise.all([
    startLifecycleStack({
      activities: (real) => ({
        ...real,
        erpnext: {
          ...real.erpnext,
          async erpnextGetProgramEnrollment(name: string) {
            if (refuseEnrollmentReads) throw ApplicationFailure.nonRetryable('Insufficient Permission for Program Enrollment', 'erpnext.PermissionError');
            return real.erpnext.erpnextGetProgramEnrollment(name);
          },
        },
      }),
    }),
    launchChromium(),
  ]);
  page = await browser.newPage();
  // A fresh machine installs Debian's Chromium first (scripts/chromium.sh).
}, 600_000);
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

const consoleUrl = (path: string) => `${stack.operatorUrl}${path}`;

async function statusOf(workflowId: string): Promise<string> {
  try {
    return (await stack.temporal.workflow.getHandle(workflowId).describe()).status.name;
  } catch {
    return 'NOT_FOUND';
  }
}
const settled = (workflowId: string, status: string) => eventually(() => statusOf(workflowId), (s) => s === status, 30_000);

/** Posts a webhook body the way Frappe sends it (see test/lifecycle/end-to-end.test.ts). */
async function deliverStudentInsert(name: string): Promise<number> {
  const body = `{"event": "after_insert", "doctype": "Student", "name": ${JSON.stringify(name)}, "modified": "2026-12-01 08:55:13.393763"}`;
  const response = await fetch(`${stack.gatewayUrl}/webhooks/erpnext/student/after_insert`, {
    method: 'POST',
    headers: { 'x-frappe-webhook-signature': frappeSignature(body, webhookSecret) },
    body: Buffer.from(body),
  });
  return response.status;
}

describe('operator console', () => {
  const conflicted = demoStudents.find((s) => s.moodle === 'conflicting-idnumber')!;
  const evilFirst = '<script>window.__pwned = 1</script>';
  const evilLast = '<img src=x onerror="window.__pwned = 2">';
  let grace: string;
  let evil: string;
  let enrollment: string;

  it('answers 401 or sends to the login form without the admin token; takes the bearer token', async () => {
    const anonymous = await fetch(consoleUrl('/console'), { redirect: 'manual' });
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toBe('/console/login?next=%2Fconsole');
    // The report pages (src/console/reports) sit behind the same login.
    expect((await fetch(consoleUrl('/console/reports'), { redirect: 'manual' })).status).toBe(303);
    const forgedCookie = await fetch(consoleUrl('/console/conflicts'), { redirect: 'manual', headers: { cookie: 'campus_bridge_console=1764579600000.AAAAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' } });
    expect(forgedCookie.status).toBe(303);
    const post = await fetch(consoleUrl('/console/failed/enroll%3Ax/retry'), { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'x=1' });
    expect(post.status).toBe(401);
    const wrongLogin = await fetch(consoleUrl('/console/login'), { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'token=wrong&next=%2Fconsole' });
    expect(wrongLogin.status).toBe(401);
    expect(wrongLogin.headers.get('set-cookie')).toBeNull();
    const bearer = await fetch(consoleUrl('/console'), { headers: { authorization: `Bearer ${adminToken}` } });
    expect(bearer.status).toBe(200);
    expect(bearer.headers.get('content-type')).toMatch(/^text\/html/);
    expect(bearer.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
  });

  it('sets up a parked conflict, a failed run, a linked student and a hostile name', async () => {
    grace = (await stack.erp.insert('Student', { first_name: 'Grace', last_name: 'Hopper', student_email_id: 'grace.hopper@students.cbu.example' })).name;
    evil = (await stack.erp.insert('Student', { first_name: evilFirst, last_name: evilLast, student_email_id: 'mallory@students.cbu.example' })).name;
    expect(await deliverStudentInsert(conflicted.name)).toBe(202);
    expect(await settled(`onboard:${grace}`, 'COMPLETED')).toBe('COMPLETED');
    refuseEnrollmentReads = true;
    enrollment = (await stack.erp.insert('Program Enrollment', { student: grace, program: 'BSc Nursing', academic_year: '2026-27', enrollment_date: '2026-09-01', docstatus: 1 })).name;
    expect(await settled(`enroll:${enrollment}`, 'FAILED')).toBe('FAILED');
    await eventually(
      async () => (await stack.temporal.workflow.count(`WorkflowId = 'onboard:${conflicted.name}' AND NeedsOperator = true`)).count,
      (parked) => parked === 1,
    );
  });

  it('logs in with the form and shows the status tables', async () => {
    await page.goto(consoleUrl('/console'));
    expect(new URL(page.url()).pathname).toBe('/console/login');
    await page.getByLabel('Admin token').fill(adminToken);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(/\/console$/);
    const cookie = (await page.context().cookies()).find((c) => c.name === 'campus_bridge_console');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/console' });

    const processes = await page.locator('#processes').innerText();
    expect(processes).toMatch(/onboardStudent/);
    expect(processes).toMatch(/enrollProgram\s+0\s+1/);
    expect(await page.locator('#waiting').innerText()).toContain(`onboard:${conflicted.name}`);
    expect((await page.goto(consoleUrl('/console/reports')))?.status()).toBe(200);
    await page.goto(consoleUrl('/console'));
  });

  it('resolves the parked identity conflict with its button; the onboarding completes and Moodle holds the link', async () => {
    const workflowId = `onboard:${conflicted.name}`;
    const taken = (await stack.moodle.getUsersByField('email', [conflicted.email]))[0];
    await page.getByRole('navigation').getByRole('link', { name: 'Conflicts' }).click();
    const section = page.locator(`section[data-workflow-id="${workflowId}"]`);
    expect(await section.innerText()).toMatch(/email-taken/);

    const { runId } = await stack.temporal.workflow.getHandle(workflowId).describe();
    const uiLink = await section.locator('a.temporal-ui').getAttribute('href');
    expect(uiLink).toBe(`http://localhost:8233/namespaces/${stack.env.namespace}/workflows/onboard%3A${conflicted.name}/${runId}/history`);
    expect(uiLink).toBe(runLink({ baseUrl: 'http://localhost:8233', namespace: stack.env.namespace }, workflowId, runId));

    // A form post without the page's form token (what another site could send) is refused.
    const forged = await page.request.post(consoleUrl(`/console/conflicts/${encodeURIComponent(workflowId)}`), { form: { action: 'skip' }, maxRedirects: 0 });
    expect(forged.status()).toBe(403);

    // As the runbook says: the operator clears the other idnumber in Moodle, then links.
    await stack.moodle.updateUsers([{ id: taken.id, idnumber: '' }]);
    await section.getByRole('button', { name: `Link to account ${taken.id}` }).click();
    expect(await page.getByRole('status').innerText()).toMatch(/Accepted: link/);

    expect(await settled(workflowId, 'COMPLETED')).toBe('COMPLETED');
    expect(await stack.temporal.workflow.getHandle(workflowId).result()).toMatchObject({ outcome: 'linked', decision: 'link', moodleUserId: taken.id });
    expect((await stack.moodle.getUsersByField('idnumber', [conflicted.name])).map((u) => u.id)).toEqual([taken.id]);
    await page.getByRole('link', { name: 'Back to the conflicts' }).click();
    expect(await page.locator(`section[data-workflow-id="${workflowId}"]`).count()).toBe(0);
  });

  it('retries a failed run once the cause is fixed; it completes', async () => {
    const workflowId = `enroll:${enrollment}`;
    await page.getByRole('navigation').getByRole('link', { name: 'Failed runs' }).click();
    const row = page.locator(`tr[data-workflow-id="${workflowId}"]`);
    expect(await row.innerText()).toMatch(/erpnext\.PermissionError/);
    const failedRun = (await stack.temporal.workflow.getHandle(workflowId).describe()).runId;

    refuseEnrollmentReads = false;
    await row.getByRole('button', { name: 'Retry' }).click();
    expect(await page.getByRole('status').innerText()).toMatch(/^restarted/);
    expect(await settled(workflowId, 'COMPLETED')).toBe('COMPLETED');
    expect((await stack.temporal.workflow.getHandle(workflowId).describe()).runId).not.toBe(failedRun);
    expect(await stack.temporal.workflow.getHandle(workflowId).result()).toMatchObject({ outcome: 'enrolled', enrolledCourses: ['NUR101', 'NUR102', 'NUR103'] });
  });

  it("shows a student's 360° view and audit trail", async () => {
    const moodleId = (await stack.moodle.getUsersByField('idnumber', [grace]))[0].id;
    await page.getByRole('navigation').getByRole('link', { name: 'Students' }).click();
    await page.getByLabel('Student').fill(grace);
    await page.getByRole('button', { name: 'Open' }).click();
    await page.waitForURL(new RegExp(`/console/students/${grace}$`));

    expect(await page.locator('#student-name').innerText()).toBe('Grace Hopper');
    expect(await page.locator('#moodle-account').innerText()).toContain(String(moodleId));
    expect(await page.locator('#programs').innerText()).toContain('BSc Nursing');
    const nur101 = await page.locator('#courses tr', { hasText: 'NUR101' }).innerText();
    expect(nur101).toMatch(/active/);
    const trail = page.locator('#trail');
    expect(await trail.innerText()).toContain(`enroll:${enrollment}`);
    const onboarding = trail.locator(`article[data-workflow-id="onboard:${grace}"]`);
    expect(await onboarding.innerText()).toMatch(/outcome: created/);
    const { runId } = await stack.temporal.workflow.getHandle(`onboard:${grace}`).describe();
    expect(await onboarding.locator('a.temporal-ui').getAttribute('href')).toBe(runLink({ baseUrl: 'http://localhost:8233', namespace: stack.env.namespace }, `onboard:${grace}`, runId));
  });

  it('shows a name with markup in it as text', async () => {
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => void dialog.dismiss().then(() => dialogs.push(dialog.message())));
    await page.goto(consoleUrl(`/console/students/${evil}`));
    expect(await page.locator('#student-name').innerText()).toBe(`${evilFirst} ${evilLast}`);
    expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('#identity script, #identity img').count()).toBe(0);
    expect(await page.content()).toContain('&lt;script&gt;window.__pwned = 1&lt;/script&gt;');
    expect(dialogs).toEqual([]);
  });
});
