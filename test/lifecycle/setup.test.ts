import { createErpnextClient, type ErpnextClient } from '../../src/erpnext/client';
import { provisionErpnext } from '../../src/erpnext/provisioning/provision-erpnext';
import { customFieldSchema } from '../../src/erpnext/resources/custom-fields';
import { webhookSchema } from '../../src/erpnext/resources/webhooks';
import { setupCommand, secretRotationSteps } from '../../src/commands/setup';
import { erpnextTriggers, frappeSignatureHeader, verifyFrappeSignature } from '../../src/webhooks/erpnext-contract';
import { standardStudentProfileFields } from '../../src/webhooks/student-profile';
import { startWebhookReceiver } from '../erpnext/webhook-receiver';
import { startErpnextSandbox, type ErpnextSandbox } from '../../sandboxes/erpnext';

let sandbox: ErpnextSandbox;
let erp: ErpnextClient;

beforeEach(async () => {
  sandbox = await startErpnextSandbox({ seed: 'empty' });
  erp = createErpnextClient({ url: sandbox.url, apiKey: 'dev-key', apiSecret: 'dev-secret' });
});
afterEach(async () => sandbox.close());

const triggers = [
  ['Student', 'after_insert', 'student/after_insert'],
  ['Student', 'on_update', 'student/on_update'],
  ['Program Enrollment', 'on_submit', 'program-enrollment/on_submit'],
  ['Program Enrollment', 'on_cancel', 'program-enrollment/on_cancel'],
  ['Course Enrollment', 'after_insert', 'course-enrollment/after_insert'],
  ['Course Enrollment', 'on_trash', 'course-enrollment/on_trash'],
  ['Sales Invoice', 'on_change', 'sales-invoice/on_change'],
  ['Student Group', 'on_update', 'student-group/on_update'],
  ['Instructor', 'on_update', 'instructor/on_update'],
  ['Course', 'on_update', 'course/on_update'],
  ['Program', 'on_update', 'program/on_update'],
  ['Course Schedule', 'on_update', 'course-schedule/on_update'],
];

describe('ERPNext provisioning (campus-bridge setup)', () => {
  it('creates the Moodle user id field and one signed JSON Webhook per trigger', async () => {
    const report = await provisionErpnext(erp, { gatewayUrl: 'http://gateway.example:3000/', secret: 'hook-secret' });
    expect(report.customField).toBe('created');
    expect(report.webhooks.map((w) => [w.doctype, w.event, w.change])).toEqual(triggers.map(([doctype, event]) => [doctype, event, 'created']));

    const field = await erp.getDoc('Custom Field', 'Student-custom_moodle_user_id', { schema: customFieldSchema });
    expect(field).toMatchObject({ dt: 'Student', fieldname: 'custom_moodle_user_id', fieldtype: 'Int', read_only: 1 });
    for (const [i, [doctype, event, path]] of triggers.entries()) {
      const webhook = await erp.getDoc('Webhook', report.webhooks[i].name, { schema: webhookSchema });
      expect(webhook).toMatchObject({
        webhook_doctype: doctype,
        webhook_docevent: event,
        request_url: `http://gateway.example:3000/webhooks/erpnext/${path}`,
        request_method: 'POST',
        request_structure: 'JSON',
        enable_security: 1,
        enabled: 1,
      });
    }
  });

  it('changes nothing when run again, and repairs a Webhook someone edited', async () => {
    const first = await provisionErpnext(erp, { gatewayUrl: 'http://gateway.example:3000', secret: 'hook-secret' });
    const again = await provisionErpnext(erp, { gatewayUrl: 'http://gateway.example:3000', secret: 'hook-secret' });
    expect(again.customField).toBe('unchanged');
    expect(again.webhooks.map((w) => w.change)).toEqual(Array(triggers.length).fill('unchanged'));
    expect(again.webhooks.map((w) => w.name)).toEqual(first.webhooks.map((w) => w.name));
    expect(await erp.getCount('Webhook')).toBe(triggers.length);

    await erp.update('Webhook', first.webhooks[0].name, { enabled: 0 });
    const repaired = await provisionErpnext(erp, { gatewayUrl: 'http://gateway.example:3000', secret: 'hook-secret' });
    expect(repaired.webhooks.map((w) => w.change)).toEqual(['updated', ...Array(triggers.length - 1).fill('unchanged')]);
    expect((await erp.getDoc('Webhook', first.webhooks[0].name, { schema: webhookSchema })).enabled).toBe(1);

    const moved = await provisionErpnext(erp, { gatewayUrl: 'https://bridge.example.edu', secret: 'hook-secret' });
    expect(moved.webhooks.map((w) => w.change)).toEqual(Array(triggers.length).fill('updated'));
    expect(await erp.getCount('Webhook')).toBe(triggers.length);
    expect((await erp.getDoc('Webhook', first.webhooks[0].name, { schema: webhookSchema })).request_url).toBe('https://bridge.example.edu/webhooks/erpnext/student/after_insert');
  });

  it('rotates the secret on every Webhook when asked, and ERPNext then signs with the new one', async () => {
    const receiver = await startWebhookReceiver();
    try {
      await provisionErpnext(erp, { gatewayUrl: receiver.url, secret: 'old-secret' });
      const rotated = await provisionErpnext(erp, { gatewayUrl: receiver.url, secret: 'new-secret', rotateSecret: true });
      expect(rotated.webhooks.map((w) => w.change)).toEqual(Array(triggers.length).fill('updated'));

      await erp.insert('Student', { first_name: 'Ada', student_email_id: 'ada@students.cbu.example' });
      const [delivery] = await receiver.waitFor(1);
      expect(delivery.path).toBe('/webhooks/erpnext/student/after_insert');
      const signature = delivery.headers[frappeSignatureHeader] as string | undefined;
      expect(verifyFrappeSignature(delivery.body, signature, 'new-secret')).toBe(true);
      expect(verifyFrappeSignature(delivery.body, signature, 'old-secret')).toBe(false);
    } finally {
      await receiver.close();
    }
  });
  it('binds each body to its event and document version', async () => {
    const receiver = await startWebhookReceiver();
    try {
      await provisionErpnext(erp, { gatewayUrl: receiver.url, secret: 'hook-secret' });
      const student = await erp.insert('Student', { first_name: 'Ada', student_email_id: 'ada@students.cbu.example' });
      const deliveries = await receiver.waitFor(2);
      const bodies = deliveries.map((d) => ({ path: d.path, body: JSON.parse(d.body.toString('utf8')) as Record<string, unknown> })).sort((a, b) => a.path.localeCompare(b.path));
      // The version the insert wrote; a later GET can show a newer one (the linked Customer is set after, captures 116/117).
      // A Student insert fires after_insert and on_update (capture 238): each body names its own event.
      expect(bodies).toEqual([
        { path: '/webhooks/erpnext/student/after_insert', body: { doctype: 'Student', event: 'after_insert', name: student.name, modified: student.modified } },
        // on_update also carries the fields Moodle mirrors (null where empty), so a save that
        // changed none of them is recognised from the body (src/webhooks/student-profile.ts).
        {
          path: '/webhooks/erpnext/student/on_update',
          body: {
            doctype: 'Student',
            event: 'on_update',
            name: student.name,
            ...Object.fromEntries(standardStudentProfileFields.map((field) => [field, null])),
            first_name: 'Ada',
            student_email_id: 'ada@students.cbu.example',
            modified: student.modified,
          },
        },
      ]);
      for (const { body } of bodies) expect(erpnextTriggers.student.body.safeParse(body).success).toBe(true);
    } finally {
      await receiver.close();
    }
  });

  it('repairs an edited condition, header row or timeout, and a Webhook written before bodies named their event', async () => {
    const first = await provisionErpnext(erp, { gatewayUrl: 'http://gateway.example:3000', secret: 'hook-secret' });
    const [a, b, c, d] = first.webhooks.map((w) => w.name);
    await erp.update('Webhook', a, { condition: 'doc.enabled == 1' });
    await erp.update('Webhook', b, { webhook_headers: [] });
    await erp.update('Webhook', c, { timeout: 30 });
    await erp.update('Webhook', d, { webhook_json: '{"doctype": "Program Enrollment", "name": {{ doc.name | tojson }} }' });
    const repaired = await provisionErpnext(erp, { gatewayUrl: 'http://gateway.example:3000', secret: 'hook-secret' });
    expect(repaired.webhooks.map((w) => w.change)).toEqual(['updated', 'updated', 'updated', 'updated', ...Array(triggers.length - 4).fill('unchanged')]);
    const again = await provisionErpnext(erp, { gatewayUrl: 'http://gateway.example:3000', secret: 'hook-secret' });
    expect(again.webhooks.map((w) => w.change)).toEqual(Array(triggers.length).fill('unchanged'));
    const webhook = await erp.getDoc('Webhook', b);
    expect((webhook.webhook_headers as { key: string; value: string }[]).map((h) => [h.key, h.value])).toEqual([['Content-Type', 'application/json']]);
    expect((await erp.getDoc('Webhook', a)).condition ?? '').toBe('');
    expect((await erp.getDoc('Webhook', c)).timeout).toBe(5);
  });

  it('`setup --rotate-secret` prints the order of the rotation steps after rewriting the secrets', async () => {
    const lines: string[] = [];
    // setup is a production command: it refuses the development key and short secrets.
    const credentials = { apiKey: 'setup-key-0a1b2c3d4e5f', apiSecret: 'setup-secret-0a1b2c3d4e5f' };
    const site = await startErpnextSandbox({ seed: 'empty', ...credentials });
    const newSecret = 'rotated-webhook-secret-0123456789abcdef';
    const env = { ERPNEXT_URL: site.url, ERPNEXT_API_KEY: credentials.apiKey, ERPNEXT_API_SECRET: credentials.apiSecret, ERPNEXT_WEBHOOK_SECRET: newSecret };
    try {
      await setupCommand({ gatewayUrl: 'http://gateway.example:3000', rotateSecret: true, env, print: (line) => lines.push(line) });
    } finally {
      await site.close();
    }
    const steps = lines.slice(lines.indexOf('Secret rotation, in this order (this command was step 2):') + 1);
    expect(steps).toEqual(secretRotationSteps.map((step, i) => `  ${i + 1}. ${step}`));
    expect(steps[0]).toMatch(/ERPNEXT_WEBHOOK_SECRET_PREVIOUS=<old>/);
    expect(lines.join('\n')).not.toContain(newSecret);
  });
});
