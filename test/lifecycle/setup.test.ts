import { createErpnextClient, type ErpnextClient } from '../../src/erpnext/client';
import { provisionErpnext } from '../../src/erpnext/provisioning/provision-erpnext';
import { customFieldSchema } from '../../src/erpnext/resources/custom-fields';
import { webhookSchema } from '../../src/erpnext/resources/webhooks';
import { frappeSignatureHeader, verifyFrappeSignature } from '../../src/webhooks/erpnext-contract';
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
    expect(again.webhooks.map((w) => w.change)).toEqual(Array(6).fill('unchanged'));
    expect(again.webhooks.map((w) => w.name)).toEqual(first.webhooks.map((w) => w.name));
    expect(await erp.getCount('Webhook')).toBe(6);

    await erp.update('Webhook', first.webhooks[0].name, { enabled: 0 });
    const repaired = await provisionErpnext(erp, { gatewayUrl: 'http://gateway.example:3000', secret: 'hook-secret' });
    expect(repaired.webhooks.map((w) => w.change)).toEqual(['updated', ...Array(5).fill('unchanged')]);
    expect((await erp.getDoc('Webhook', first.webhooks[0].name, { schema: webhookSchema })).enabled).toBe(1);

    const moved = await provisionErpnext(erp, { gatewayUrl: 'https://bridge.example.edu', secret: 'hook-secret' });
    expect(moved.webhooks.map((w) => w.change)).toEqual(Array(6).fill('updated'));
    expect(await erp.getCount('Webhook')).toBe(6);
    expect((await erp.getDoc('Webhook', first.webhooks[0].name, { schema: webhookSchema })).request_url).toBe('https://bridge.example.edu/webhooks/erpnext/student/after_insert');
  });

  it('rotates the secret on every Webhook when asked, and ERPNext then signs with the new one', async () => {
    const receiver = await startWebhookReceiver();
    try {
      await provisionErpnext(erp, { gatewayUrl: receiver.url, secret: 'old-secret' });
      const rotated = await provisionErpnext(erp, { gatewayUrl: receiver.url, secret: 'new-secret', rotateSecret: true });
      expect(rotated.webhooks.map((w) => w.change)).toEqual(Array(6).fill('updated'));

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
});
