import { createHmac } from 'node:crypto';
import { createErpnextClient, type ErpnextClient } from '../../src/erpnext/client';
import { startErpnextSandbox, type ErpnextSandbox } from '../../sandboxes/erpnext';
import { demoAcademicTerm, demoAcademicYear, demoStudents, programOf } from '../../sandboxes/demo-data';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver';

/** Webhook documents fire as Frappe's do: after commit, Python-json body, HMAC signature, three tries. */
let sandbox: ErpnextSandbox;
let erp: ErpnextClient;
let receiver: WebhookReceiver;
const secret = 'dev-webhook-secret';

beforeEach(async () => {
  sandbox = await startErpnextSandbox({ seed: 'demo', webhookRetryDelayScale: 0.01 });
  erp = createErpnextClient({ url: sandbox.url, apiKey: 'dev-key', apiSecret: 'dev-secret' });
  receiver = await startWebhookReceiver();
});
afterEach(async () => {
  await sandbox.close();
  await receiver.close();
});

const hook = (doctype: string, event: string, extra: Record<string, unknown> = {}) =>
  erp.insert('Webhook', {
    // Webhook is named "Set by user" (autoname prompt): the REST insert must carry the name.
    name: `${doctype} ${event}`,
    webhook_doctype: doctype,
    webhook_docevent: event,
    request_url: `${receiver.url}/webhooks/erpnext/${doctype.toLowerCase().replace(/ /g, '-')}/${event}`,
    request_structure: 'JSON',
    webhook_json: '{{ doc | tojson }}',
    enable_security: 1,
    webhook_secret: secret,
    ...extra,
  });

const signatureOf = (body: Buffer) => createHmac('sha256', secret).update(body).digest('base64');
const json = (body: Buffer) => JSON.parse(body.toString('utf8')) as Record<string, unknown>;

it('signs the exact body bytes, sends no Content-Type, and shows the insert as stored before on_update linked the Customer', async () => {
  await hook('Student', 'after_insert');
  const student = await erp.insert('Student', { first_name: 'Zoë', last_name: 'Ødegaard', student_email_id: 'zoe@students.cbu.example' });
  const [delivery] = await receiver.waitFor(1);

  expect(delivery.method).toBe('POST');
  expect(delivery.path).toBe('/webhooks/erpnext/student/after_insert');
  expect(delivery.headers['x-frappe-webhook-signature']).toBe(signatureOf(delivery.body));
  expect(delivery.headers['content-type']).toBeUndefined();
  const text = delivery.body.toString('utf8');
  // Python json.dumps: ", " and ": " separators, non-ASCII as \u escapes, keys sorted by Jinja's tojson.
  expect(text).toContain('"first_name": "Zo\\u00eb"');
  expect(text).not.toMatch(/[^\x20-\x7e]/);
  const payload = json(delivery.body);
  expect(Object.keys(payload)).toEqual(Object.keys(payload).sort());
  expect(payload).toMatchObject({ name: student.name, doctype: 'Student', student_name: 'Zoë Ødegaard', customer: null });
  expect((await erp.getDoc('Student', student.name)).customer).toBe('Zoë Ødegaard');
});

it('retries a failing receiver: two failures then success make three tries and three Webhook Request Logs', async () => {
  const webhook = await hook('Student', 'on_update');
  receiver.script([503, 500]);
  const started = Date.now();
  await erp.update('Student', demoStudents[4].name, { city: 'Hull' });
  await receiver.waitFor(3);
  await sandbox.state.webhooks.idle();

  expect(receiver.received.map((r) => json(r.body).city)).toEqual(['Hull', 'Hull', 'Hull']);
  // Frappe sleeps 1 s, then 4 s between tries; scaled by 0.01 here.
  expect(Date.now() - started).toBeGreaterThanOrEqual(50);
  const logs = await erp.getList('Webhook Request Log', { fields: ['webhook', 'reference_document', 'response', 'error', 'headers', 'data'], filters: { webhook: webhook.name }, orderBy: 'creation asc' });
  expect(logs).toHaveLength(3);
  // frappe.as_json of what the job held (355): the signature is bytes, so a list of byte values; keys sorted, indent 1.
  const signature = receiver.received[0].headers['x-frappe-webhook-signature'];
  expect(JSON.parse(String(logs[0].headers))['X-Frappe-Webhook-Signature']).toEqual([...Buffer.from(String(signature), 'ascii')]);
  const data = String(logs[0].data);
  expect(data.startsWith('{\n "')).toBe(true);
  const keys = Object.keys(JSON.parse(data));
  expect(keys).toEqual([...keys].sort());
  expect(logs.map((l) => l.reference_document)).toEqual([demoStudents[4].name, demoStudents[4].name, demoStudents[4].name]);
  expect(String(logs[0].error)).toContain('503');
  expect(String(logs[1].error)).toContain('500');
  expect(logs[2]).toMatchObject({ response: 'accepted' });
  expect(logs[2].error).toBeUndefined();
  await new Promise((r) => setTimeout(r, 100));
  expect(receiver.received).toHaveLength(3);
});

it('gives up after three failed tries', async () => {
  await hook('Student', 'on_update');
  receiver.script([500, 500, 500, 500]);
  await erp.update('Student', demoStudents[5].name, { city: 'Hull' });
  await receiver.waitFor(3);
  await sandbox.state.webhooks.idle();
  expect(receiver.received).toHaveLength(3);
});

it('fires only after a commit: a failed request sends nothing', async () => {
  await hook('Student', 'after_insert');
  await expect(erp.insertMany([{ doctype: 'Student', first_name: 'A', student_email_id: 'a@x.example' }, { doctype: 'Student', student_email_id: 'b@x.example' }])).rejects.toMatchObject({ excType: 'MandatoryError' });
  await sandbox.state.webhooks.idle();
  expect(receiver.received).toHaveLength(0);
  expect(await erp.getCount('Student', { student_email_id: 'a@x.example' })).toBe(0);
});

it('a submitted Program Enrollment fires its own on_submit and one after_insert per Course Enrollment; cancelling fires on_trash for each', async () => {
  await hook('Program Enrollment', 'on_submit');
  await hook('Course Enrollment', 'after_insert');
  await hook('Course Enrollment', 'on_trash');
  const student = demoStudents[47];
  const pe = await erp.insert('Program Enrollment', { student: student.name, program: student.program, academic_year: demoAcademicYear.name, academic_term: demoAcademicTerm.name, docstatus: 1 });
  await receiver.waitFor(5);
  const paths = receiver.received.map((r) => r.path);
  expect(paths.filter((p) => p.endsWith('program-enrollment/on_submit'))).toHaveLength(1);
  const inserted = receiver.received.filter((r) => r.path.endsWith('course-enrollment/after_insert')).map((r) => json(r.body));
  expect(inserted.map((ce) => ce.course).sort()).toEqual([...programOf(student.program).courses].sort());
  expect(inserted.every((ce) => ce.program_enrollment === pe.name && ce.student === student.name)).toBe(true);

  await erp.cancel('Program Enrollment', pe.name);
  await receiver.waitFor(9);
  expect(receiver.received.filter((r) => r.path.endsWith('course-enrollment/on_trash'))).toHaveLength(4);
  expect(await erp.getCount('Course Enrollment', { program_enrollment: pe.name })).toBe(0);
});

it('evaluates the condition at the event and renders field templates', async () => {
  await hook('Sales Invoice', 'on_change', {
    condition: 'doc.status == "Paid"',
    webhook_json: '{"invoice": "{{ doc.name }}", "student": "{{ doc.student }}", "status": "{{ doc.status }}"}',
  });
  const student = await erp.getDoc('Student', demoStudents[0].name);
  const invoice = await erp.insert('Sales Invoice', { customer: student.customer, student: student.name, items: [{ item_code: 'ELEC-PHO150', qty: 1 }], docstatus: 1 });
  // The insert response of a docstatus-1 insert is stale, as on the real site (captures 279, 323).
  expect(invoice).toMatchObject({ status: 'Draft', grand_total: 250, outstanding_amount: 0 });
  const draft = await erp.callMethod('erpnext.accounts.doctype.payment_entry.payment_entry.get_payment_entry', { dt: 'Sales Invoice', dn: invoice.name }, 'GET');
  await erp.insert('Payment Entry', { ...(draft as Record<string, unknown>), reference_no: 'BANK-1', reference_date: '2026-09-01', docstatus: 1 });

  const [delivery] = await receiver.waitFor(1);
  expect(delivery.body.toString('utf8')).toBe(`{"invoice": "${invoice.name}", "student": "${student.name}", "status": "Paid"}`);
  expect((await erp.getDoc('Sales Invoice', invoice.name)).outstanding_amount).toBe(0);
  await sandbox.state.webhooks.idle();
  expect(receiver.received).toHaveLength(1);
});

it('sends Currency and Float fields as Python floats', async () => {
  await hook('Item', 'on_update');
  await erp.update('Item', 'ELEC-PHO150', { standard_rate: 275 });
  const [delivery] = await receiver.waitFor(1);
  expect(delivery.body.toString('utf8')).toContain('"standard_rate": 275.0');
  expect(delivery.body.toString('utf8')).toContain('"is_stock_item": 0');
  expect(delivery.headers['x-frappe-webhook-signature']).toBe(signatureOf(delivery.body));
});

it('refuses a Webhook whose condition or template the sandbox cannot evaluate, and one on a submit event of a non-submittable DocType', async () => {
  await expect(hook('Student', 'on_update', { condition: 'frappe.db.exists("Student")' })).rejects.toMatchObject({ status: 417, excType: 'ValidationError' });
  await expect(hook('Student', 'on_update', { webhook_json: '{% set x = 1 %}' })).rejects.toMatchObject({ status: 417 });
  await expect(hook('Student', 'on_submit')).rejects.toMatchObject({ messages: ['DocType must be Submittable for the selected Doc Event'] });
});

it('needs a name, as a "Set by user" DocType, and a secret when security is on', async () => {
  await expect(hook('Student', 'on_update', { name: undefined })).rejects.toMatchObject({ status: 417, messages: ['Please set the document name'] });
  await expect(hook('Student', 'on_update', { webhook_secret: undefined })).rejects.toMatchObject({ status: 417, messages: ['Invalid Webhook Secret'] });
  expect((await hook('Student', 'on_update')).name).toBe('Student on_update');
});

it('hides the webhook secret when the Webhook is read back, and keeps it when the asterisks are sent back', async () => {
  const webhook = await hook('Student', 'on_update');
  const read = await erp.getDoc('Webhook', webhook.name);
  expect(read.webhook_secret).toBe('*'.repeat(secret.length));
  expect(JSON.stringify(read)).not.toContain(secret);
  await erp.update('Webhook', webhook.name, { ...read, condition: 'doc.city == "York"' });
  await erp.update('Student', demoStudents[9].name, { city: 'York' });
  const [delivery] = await receiver.waitFor(1);
  expect(delivery.headers['x-frappe-webhook-signature']).toBe(signatureOf(delivery.body));
});
