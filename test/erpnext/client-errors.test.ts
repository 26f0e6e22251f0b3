import { createServer } from 'node:net';
import { createErpnextClient, type ErpnextClient } from '../../src/erpnext/client';
import { ErpnextError } from '../../src/erpnext/errors';
import { IntegrationError } from '../../src/errors/integration-error';
import { startErpnextSandbox, type ErpnextSandbox } from '../../sandboxes/erpnext';
import { demoStudents } from '../../sandboxes/demo-data';

/** Every failure class the client distinguishes, produced by the sandbox (or the network) over HTTP. */
let sandbox: ErpnextSandbox;
let erp: ErpnextClient;
const secret = 'dev-secret';

beforeAll(async () => {
  sandbox = await startErpnextSandbox({ seed: 'demo' });
  erp = createErpnextClient({ url: sandbox.url, apiKey: 'dev-key', apiSecret: secret });
});
afterAll(() => sandbox.close());

async function failure(call: Promise<unknown>): Promise<ErpnextError> {
  try {
    await call;
  } catch (err) {
    expect(err).toBeInstanceOf(ErpnextError);
    expect(err).toBeInstanceOf(IntegrationError);
    const error = err as ErpnextError;
    expect(error.message).not.toContain(secret);
    expect(error.message).not.toContain('dev-key');
    return error;
  }
  throw new Error('expected the call to fail');
}

const setFaults = (faults: object) => fetch(`${sandbox.url}/__sandbox/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(faults) });
afterEach(() => setFaults({}));

describe('permanent failures', () => {
  it('417 MandatoryError carries Frappe\'s message for the missing field', async () => {
    // Capture 153: a Program Enrollment without its Academic Year.
    const error = await failure(erp.insert('Program Enrollment', { student: demoStudents[0].name, program: 'BSc Nursing', enrollment_date: '2026-09-01' }));
    expect(error).toMatchObject({ kind: 'permanent', status: 417, excType: 'MandatoryError', code: 'MandatoryError' });
    expect(error.messages).toEqual(['Error: Value missing for Program Enrollment: Academic Year']);
    expect(error.message).toContain('Value missing for Program Enrollment: Academic Year');
  });

  it('417 LinkValidationError and UniqueValidationError name the field', async () => {
    const link = await failure(erp.insert('Program Enrollment', { student: demoStudents[0].name, program: 'BSc Astrology', academic_year: '2026-27' }));
    expect(link).toMatchObject({ kind: 'permanent', status: 417, excType: 'LinkValidationError', messages: ['Could not find Program: BSc Astrology'] });
    const unique = await failure(erp.insert('Student', { first_name: 'Copy', student_email_id: demoStudents[3].email.toUpperCase() }));
    expect(unique).toMatchObject({ kind: 'permanent', status: 417, excType: 'UniqueValidationError', messages: ['Student Email Address must be unique'] });
  });

  it('417 messages lose their HTML', async () => {
    await erp.insert('Assessment Result', { assessment_plan: 'EDU-ASP-2026-00005', student: demoStudents[1].name, details: [{ assessment_criteria: 'Course Total', score: 55 }] });
    const error = await failure(erp.insert('Assessment Result', { assessment_plan: 'EDU-ASP-2026-00005', student: demoStudents[1].name, details: [{ assessment_criteria: 'Course Total', score: 56 }] }));
    expect(error.excType).toBe('ValidationError');
    expect(error.messages[0]).toMatch(/^Assessment Result record EDU-RES-2026-\d{5} already exists\.$/);
  });

  it('417 DocstatusTransitionError for submitted → draft, named by its exception alone', async () => {
    // Capture 165: Frappe sends no _server_messages for this one, only the traceback.
    const error = await failure(erp.update('Assessment Plan', 'EDU-ASP-2026-00001', { docstatus: 0 }));
    expect(error).toMatchObject({ kind: 'permanent', status: 417, excType: 'DocstatusTransitionError', messages: [] });
    expect(error.message).toContain('DocstatusTransitionError');
  });

  it('404 DoesNotExistError', async () => {
    const error = await failure(erp.getDoc('Student', 'EDU-STU-2026-99999'));
    expect(error).toMatchObject({ kind: 'permanent', status: 404, excType: 'DoesNotExistError', messages: ['Student EDU-STU-2026-99999 not found'] });
  });

  it('403 PermissionError for a write by GET and a function that is not whitelisted', async () => {
    expect(await failure(erp.callMethod('frappe.client.insert', { doc: { doctype: 'Course', course_name: 'X1' } }, 'GET'))).toMatchObject({ kind: 'permanent', status: 403, excType: 'PermissionError' });
    expect(await failure(erp.callMethod('frappe.utils.execute_in_shell', { cmd: 'id' }))).toMatchObject({ kind: 'permanent', status: 403, excType: 'PermissionError' });
  });

  it('401 AuthenticationError for a bad secret, which never appears in the error', async () => {
    const wrong = createErpnextClient({ url: sandbox.url, apiKey: 'dev-key', apiSecret: 'not-the-secret-42' });
    const error = await failure(wrong.getList('Student'));
    expect(error).toMatchObject({ kind: 'permanent', status: 401, excType: 'AuthenticationError' });
    expect(error.message).not.toContain('not-the-secret-42');
    expect(JSON.stringify(error)).not.toContain('not-the-secret-42');
  });

  it('409 DuplicateEntryError for a name that exists', async () => {
    const error = await failure(erp.insert('Course', { course_name: 'CS101' }));
    expect(error).toMatchObject({ kind: 'permanent', status: 409, excType: 'DuplicateEntryError', messages: ['Course CS101 already exists'] });
  });
});

describe('transient and rate-limited failures', () => {
  it('429 is rate-limited with the Retry-After delay', async () => {
    await setFaults({ rateLimit: { perSecond: 1, retryAfterSeconds: 7 } });
    const results = await Promise.allSettled([erp.getCount('Student'), erp.getCount('Student'), erp.getCount('Student')]);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as ErpnextError);
    expect(rejected.length).toBeGreaterThanOrEqual(1);
    expect(rejected[0]).toMatchObject({ kind: 'rate-limited', status: 429, code: 'HTTP_429', retryAfterMs: 7000 });
  });

  it('503 is transient with the Retry-After delay', async () => {
    await setFaults({ outageMs: 60_000, outageRetryAfterSeconds: 3 });
    expect(await failure(erp.getDoc('Student', demoStudents[0].name))).toMatchObject({ kind: 'transient', status: 503, retryAfterMs: 3000 });
  });

  it('5xx is transient', async () => {
    await setFaults({ errorRate: 1 });
    const error = await failure(erp.getList('Student'));
    expect(error.kind).toBe('transient');
    expect([500, 502, 504]).toContain(error.status);
  });

  it('an unexpected server exception (500 with a Frappe body) is transient', async () => {
    // A criterion outside the plan makes Education compare a score with None: a TypeError, HTTP 500.
    await erp.insert('Assessment Criteria', { assessment_criteria: 'Attendance' });
    const error = await failure(erp.insert('Assessment Result', { assessment_plan: 'EDU-ASP-2026-00001', student: demoStudents[0].name, details: [{ assessment_criteria: 'Attendance', score: 1 }] }));
    expect(error).toMatchObject({ kind: 'transient', status: 500, excType: 'TypeError' });
  });

  it('a request slower than the timeout is a transient TIMEOUT', async () => {
    await setFaults({ latencyMs: 1_000 });
    const impatient = createErpnextClient({ url: sandbox.url, apiKey: 'dev-key', apiSecret: secret, timeoutMs: 100 });
    expect(await failure(impatient.getCount('Student'))).toMatchObject({ kind: 'transient', code: 'TIMEOUT' });
  });

  it('a refused connection is transient', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port: p } = server.address() as { port: number };
        server.close(() => resolve(p));
      });
    });
    const nobody = createErpnextClient({ url: `http://127.0.0.1:${port}`, apiKey: 'dev-key', apiSecret: secret });
    expect(await failure(nobody.getCount('Student'))).toMatchObject({ kind: 'transient', code: 'ECONNREFUSED' });
  });

  it('the caller\'s abort signal cancels the request and surfaces as an abort, not an ERPNext failure', async () => {
    await setFaults({ latencyMs: 1_000 });
    const controller = new AbortController();
    const call = erp.getCount('Student', undefined, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('activity cancelled')), 50);
    await expect(call).rejects.toThrow('activity cancelled');
    await expect(call).rejects.not.toBeInstanceOf(ErpnextError);
  });
});
