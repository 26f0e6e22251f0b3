import { createErpnextClient, type ErpnextClient } from '../../src/erpnext/client';
import { startErpnextSandbox, type ErpnextSandbox } from '../../sandboxes/erpnext';
import { demoPaidElective, demoStudents } from '../../sandboxes/demo-data';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver';

/**
 * The money surprises of the real captures (README "Sales Invoice / Payment Entry" and "Webhooks"),
 * each observed through the REST API and the webhooks the sandbox sends.
 */
let sandbox: ErpnextSandbox;
let erp: ErpnextClient;
let receiver: WebhookReceiver;

// The invoice template of the capture webhooks (105–110), as the sandbox's template subset writes it.
const invoiceJson =
  '{"doctype": {{ doc.doctype | tojson }}, "name": {{ doc.name | tojson }}, "docstatus": {{ doc.docstatus }}, "status": {{ doc.status | tojson }}, "outstanding_amount": {{ doc.outstanding_amount | tojson }}, "grand_total": {{ doc.grand_total | tojson }}, "is_return": {{ doc.is_return | tojson }}, "modified": {{ doc.modified | tojson }}}';
const paymentJson = '{"doctype": {{ doc.doctype | tojson }}, "name": {{ doc.name | tojson }}, "docstatus": {{ doc.docstatus }}, "paid_amount": {{ doc.paid_amount | tojson }}}';

beforeEach(async () => {
  sandbox = await startErpnextSandbox({ seed: 'demo', webhookRetryDelayScale: 0.01 });
  erp = createErpnextClient({ url: sandbox.url, apiKey: 'dev-key', apiSecret: 'dev-secret' });
  receiver = await startWebhookReceiver();
  const events: [string, string, string][] = [
    ...['on_update', 'on_submit', 'on_update_after_submit', 'on_change', 'on_cancel'].map((e): [string, string, string] => ['Sales Invoice', e, invoiceJson]),
    ['Payment Entry', 'on_submit', paymentJson],
    ['Payment Entry', 'on_cancel', paymentJson],
  ];
  for (const [doctype, event, template] of events) {
    await erp.insert('Webhook', {
      name: `${doctype} ${event}`,
      webhook_doctype: doctype,
      webhook_docevent: event,
      request_url: `${receiver.url}/wh/${doctype.toLowerCase().replace(/ /g, '-')}/${event}`,
      request_structure: 'JSON',
      webhook_json: template,
    });
  }
});
afterEach(async () => {
  await sandbox.close();
  await receiver.close();
});

/** Every delivery sent so far, as `path → body`, once the dispatcher has nothing left to send. */
async function deliveries(): Promise<{ path: string; body: Record<string, unknown> }[]> {
  await sandbox.state.webhooks.idle();
  const all = receiver.received.map((r) => ({ path: r.path, body: JSON.parse(r.body.toString('utf8')) as Record<string, unknown> }));
  receiver.received.length = 0;
  return all;
}

const student = demoStudents[0];
const item = demoPaidElective.item.itemCode;
const price = demoPaidElective.price;
const customerOf = async () => String((await erp.getDoc('Student', student.name)).customer);
const invoiceFields = ['status', 'outstanding_amount', 'modified', 'docstatus'];
const readInvoice = async (name: string) =>
  (await erp.callMethod('frappe.client.get_value', { doctype: 'Sales Invoice', filters: name, fieldname: JSON.stringify(invoiceFields) }, 'GET')) as Record<string, unknown>;

async function submittedInvoice(extra: Record<string, unknown> = {}) {
  const invoice = await erp.insert('Sales Invoice', { customer: await customerOf(), student: student.name, items: [{ item_code: item, qty: 1 }], docstatus: 1, ...extra });
  await deliveries();
  return invoice;
}

async function pay(invoiceName: string, amount?: number) {
  const draft = (await erp.callMethod('erpnext.accounts.doctype.payment_entry.payment_entry.get_payment_entry', { dt: 'Sales Invoice', dn: invoiceName }, 'POST')) as Record<string, unknown>;
  if (amount !== undefined) {
    const [ref] = draft.references as Record<string, unknown>[];
    Object.assign(draft, { paid_amount: amount, received_amount: amount, references: [{ ...ref, allocated_amount: amount }] });
  }
  return erp.insert('Payment Entry', { ...draft, docstatus: 1 });
}

it('an insert with docstatus 1 answers with a stale body (Draft, outstanding 0); on_update and on_submit are stale too, only on_change has the truth', async () => {
  const invoice = await erp.insert('Sales Invoice', { customer: await customerOf(), student: student.name, items: [{ item_code: item, qty: 1 }], docstatus: 1 });
  expect(invoice).toMatchObject({ docstatus: 1, status: 'Draft', outstanding_amount: 0, grand_total: price });
  const stored = await readInvoice(invoice.name);
  expect(stored).toMatchObject({ status: 'Unpaid', outstanding_amount: price });
  const sent = await deliveries();
  expect(sent.map((d) => d.path).sort()).toEqual(['/wh/sales-invoice/on_change', '/wh/sales-invoice/on_submit', '/wh/sales-invoice/on_update']);
  const by = (event: string) => sent.find((d) => d.path.endsWith(event))?.body;
  expect(by('on_update')).toMatchObject({ status: 'Draft', outstanding_amount: 0, modified: invoice.modified });
  expect(by('on_submit')).toMatchObject({ status: 'Draft', outstanding_amount: 0, modified: invoice.modified });
  expect(by('on_change')).toMatchObject({ status: 'Unpaid', outstanding_amount: price, modified: stored.modified });
});

it('a draft submitted by PUT answers with the real status, and all three events agree', async () => {
  const draft = await erp.insert('Sales Invoice', { customer: await customerOf(), student: student.name, items: [{ item_code: item, qty: 2 }] });
  expect((await deliveries()).map((d) => d.path)).toEqual(['/wh/sales-invoice/on_update']);
  const submitted = await erp.update('Sales Invoice', draft.name, { docstatus: 1 });
  expect(submitted).toMatchObject({ status: 'Unpaid', outstanding_amount: 2 * price });
  const sent = await deliveries();
  expect(sent).toHaveLength(3);
  expect(sent.every((d) => d.body.status === 'Unpaid' && d.body.modified === submitted.modified)).toBe(true);
});

it('a submitted Payment Entry fires only on_change on the invoice, with the new status and outstanding amount; cancelling it does the same', async () => {
  const invoice = await submittedInvoice();
  const payment = await pay(invoice.name, 100);
  let sent = await deliveries();
  expect(sent.map((d) => d.path).sort()).toEqual(['/wh/payment-entry/on_submit', '/wh/sales-invoice/on_change']);
  expect(sent.find((d) => d.path === '/wh/sales-invoice/on_change')?.body).toMatchObject({ name: invoice.name, status: 'Partly Paid', outstanding_amount: price - 100 });

  await pay(invoice.name);
  sent = await deliveries();
  expect(sent.find((d) => d.path === '/wh/sales-invoice/on_change')?.body).toMatchObject({ status: 'Paid', outstanding_amount: 0 });

  await erp.cancel('Payment Entry', payment.name);
  sent = await deliveries();
  expect(sent.map((d) => d.path).sort()).toEqual(['/wh/payment-entry/on_cancel', '/wh/sales-invoice/on_change']);
  expect(await readInvoice(invoice.name)).toMatchObject({ status: 'Partly Paid', outstanding_amount: 100 });
});

it('on_update_after_submit never fires: changing an allow_on_submit field sends only on_change', async () => {
  const invoice = await submittedInvoice();
  await erp.update('Sales Invoice', invoice.name, { po_no: 'PO-1' });
  expect((await deliveries()).map((d) => d.path)).toEqual(['/wh/sales-invoice/on_change']);
  await expect(erp.update('Sales Invoice', invoice.name, { due_date: '2027-01-30' })).rejects.toMatchObject({ status: 417 });
});

it('the daily update_invoice_status makes a past-due invoice Overdue without any webhook and without touching modified', async () => {
  const invoice = await submittedInvoice({ posting_date: '2026-10-01', due_date: '2026-10-31' });
  const beforeDue = await readInvoice(invoice.name);
  // Submitted after its due date, set_status already says Overdue (296, 298).
  expect(beforeDue.status).toBe(sandbox.state.site.clock.today() > '2026-10-31' ? 'Overdue' : 'Unpaid');

  const current = await submittedInvoice({ due_date: sandbox.state.site.clock.today() });
  const before = await readInvoice(current.name);
  expect(before.status).toBe('Unpaid');
  const tomorrow = new Date(sandbox.state.site.clock.now().getTime() + 86_400_000);
  await fetch(`${sandbox.url}/__sandbox/time`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ now: tomorrow.toISOString() }) });
  // Nothing changes until the job runs: the status is stored, not computed on read.
  expect(await readInvoice(current.name)).toEqual(before);

  const run = await fetch(`${sandbox.url}/__sandbox/scheduler/update_invoice_status`, { method: 'POST' });
  expect(((await run.json()) as { updated: string[] }).updated).toContain(current.name);
  expect(await readInvoice(current.name)).toEqual({ ...before, status: 'Overdue' });
  expect(await deliveries()).toEqual([]);
});

it("the Student's customer is null in the insert response and set just after", async () => {
  const inserted = await erp.insert('Student', { first_name: 'Amara', last_name: 'Okafor', student_email_id: 'amara.okafor@students.cbu.example' });
  expect(inserted.customer ?? null).toBeNull();
  expect((await erp.getDoc('Student', inserted.name)).customer).toBe('Amara Okafor');
});

async function creditNoteFor(invoiceName: string, extra: Record<string, unknown> = {}) {
  const mapped = (await erp.callMethod('erpnext.accounts.doctype.sales_invoice.sales_invoice.make_sales_return', { source_name: invoiceName }, 'POST')) as Record<string, unknown>;
  expect(mapped).toMatchObject({ is_return: 1, return_against: invoiceName, grand_total: -price, docstatus: 0 });
  return erp.insert('Sales Invoice', { ...mapped, ...extra, docstatus: 1 });
}

it('a credit note keeps its own outstanding by default (update_outstanding_for_self): the original stays Unpaid', async () => {
  const invoice = await submittedInvoice();
  const note = await creditNoteFor(invoice.name);
  expect(await readInvoice(invoice.name)).toMatchObject({ status: 'Unpaid', outstanding_amount: price });
  expect(await readInvoice(note.name)).toMatchObject({ status: 'Return', outstanding_amount: -price });
  const sent = await deliveries();
  expect(sent.filter((d) => d.body.name === invoice.name)).toEqual([]);
  expect(sent.find((d) => d.path.endsWith('on_change'))?.body).toMatchObject({ name: note.name, status: 'Return' });
});

it('with update_outstanding_for_self 0 the original becomes "Credit Note Issued" (its on_change fires) while the credit note still reads Draft', async () => {
  const invoice = await submittedInvoice();
  const note = await creditNoteFor(invoice.name, { update_outstanding_for_self: 0 });
  expect(await readInvoice(invoice.name)).toMatchObject({ status: 'Credit Note Issued', outstanding_amount: 0 });
  expect(await readInvoice(note.name)).toMatchObject({ status: 'Draft', docstatus: 1, outstanding_amount: -price });
  const changes = (await deliveries()).filter((d) => d.path.endsWith('on_change'));
  expect(changes.map((d) => d.body)).toEqual([expect.objectContaining({ name: invoice.name, status: 'Credit Note Issued', outstanding_amount: 0 })]);
});

it('cancelling a paid invoice succeeds and unlinks the payment, which stays submitted with the money unallocated', async () => {
  const invoice = await submittedInvoice();
  const payment = await pay(invoice.name);
  await deliveries();
  const response = await fetch(`${sandbox.url}/api/method/frappe.client.cancel`, {
    method: 'POST',
    headers: { authorization: 'token dev-key:dev-secret', 'content-type': 'application/json' },
    body: JSON.stringify({ doctype: 'Sales Invoice', name: invoice.name }),
  });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { message: Record<string, unknown>; _server_messages?: string };
  expect(body.message).toMatchObject({ docstatus: 2, status: 'Cancelled', outstanding_amount: 0 });
  expect(String(body._server_messages)).toContain(`Payment Entries ${payment.name} are un-linked`);
  const after = await erp.getDoc('Payment Entry', payment.name);
  expect(after).toMatchObject({ docstatus: 1, references: [], unallocated_amount: price, total_allocated_amount: 0 });
  expect((await deliveries()).map((d) => d.path).sort()).toEqual(['/wh/sales-invoice/on_cancel', '/wh/sales-invoice/on_change']);
  // A fully paid invoice offers a refund ("Pay") entry rather than an error (333).
  const paid = await submittedInvoice();
  await pay(paid.name);
  const refund = (await erp.callMethod('erpnext.accounts.doctype.payment_entry.payment_entry.get_payment_entry', { dt: 'Sales Invoice', dn: paid.name }, 'POST')) as Record<string, unknown>;
  expect(refund).toMatchObject({ payment_type: 'Pay', paid_amount: 0 });
});
