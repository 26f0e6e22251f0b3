import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMoodleClient } from '../../src/moodle/client';
import { startMoodleSandbox, type MoodleSandbox } from '../../sandboxes/moodle';

/**
 * The sandbox's outbound webhooks beyond the captures: local_webhookengine's Standard Webhooks
 * envelope, signature and retries (from its source; there is no capture of it), and the product's
 * three events in both plugins' formats.
 */

interface Received {
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

const secretKey = Buffer.from('campus-bridge-moodle-webhook-key');
const secret = `whsec_${secretKey.toString('base64')}`;
const enrolled = '\\core\\event\\user_enrolment_created';

describe('Moodle sandbox webhooks', () => {
  let sandbox: MoodleSandbox;
  let receiver: Server;
  let received: Received[];
  /** Status the receiver answers, per call in order (then 202). */
  let answers: number[];
  let receiverUrl: string;

  beforeEach(async () => {
    received = [];
    answers = [];
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ url: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        response.writeHead(answers.shift() ?? 202).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    sandbox = await startMoodleSandbox({ seed: 'demo' });
  });

  afterEach(async () => {
    await sandbox.close();
    await new Promise((resolve) => receiver.close(resolve));
  });

  const register = async (hook: Record<string, unknown>) => {
    const response = await fetch(`${sandbox.url}/__sandbox/webhooks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(hook) });
    expect(response.status).toBe(201);
  };
  /** Waits until `count` requests came in, or `ms` passed (a test expecting fewer waits the whole time). */
  const waitForDeliveries = async (count: number, ms = 3000) => {
    for (let waited = 0; waited < ms && received.length < count; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    return received;
  };
  const moodle = () => createMoodleClient({ url: sandbox.url, token: 'dev-moodle-token' });

  test('local_webhookengine: the Standard Webhooks envelope, signed over id.timestamp.body with the whsec_ key', async () => {
    await register({ url: `${receiverUrl}/webhooks/moodle`, secret, events: [enrolled], includeOther: true });
    const [course] = (await moodle().getCoursesByField('idnumber', 'NUR101')).courses;
    const [user] = await moodle().getUsersByField('idnumber', ['EDU-STU-2026-00001']);
    await moodle().enrolUsers([{ roleid: 5, userid: user.id, courseid: course.id }]);

    const [delivery] = await waitForDeliveries(1);
    const id = String(delivery.headers['webhook-id']);
    const timestamp = String(delivery.headers['webhook-timestamp']);
    const expected = createHmac('sha256', secretKey).update(`${id}.${timestamp}.${delivery.body}`).digest('base64');
    expect(delivery.headers['webhook-signature']).toBe(`v1,${expected}`);
    expect(delivery.headers).toMatchObject({ 'user-agent': 'WebhookEngine/1.0.0', 'x-webhook-event': 'core.user_enrolment_created', 'content-type': 'application/json' });
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(60);
    expect(JSON.parse(delivery.body)).toEqual({
      id,
      schema: 1,
      type: 'core.user_enrolment_created',
      eventname: enrolled,
      created: expect.any(Number),
      site: { url: sandbox.url },
      event: expect.objectContaining({ objectid: expect.any(Number), relateduserid: user.id, courseid: String(course.id), contextinstanceid: String(course.id), other: { enrol: 'manual' } }),
    });
  });

  test('local_webhookengine leaves `other` out unless the hook includes it', async () => {
    await register({ url: `${receiverUrl}/plain`, secret, events: [enrolled] });
    const [course] = (await moodle().getCoursesByField('idnumber', 'BUS102')).courses;
    const [user] = await moodle().getUsersByField('idnumber', ['EDU-STU-2026-00001']);
    await moodle().enrolUsers([{ roleid: 5, userid: user.id, courseid: course.id }]);
    const [delivery] = await waitForDeliveries(1);
    expect(JSON.parse(delivery.body).event).not.toHaveProperty('other');
  });

  test('local_webhookengine retries 5xx answers with the same webhook id and body, and gives up at a 4xx', async () => {
    await register({ url: `${receiverUrl}/retry`, secret, events: [enrolled], retryDelaysMs: [10], maxAttempts: 4 });
    answers = [500, 503, 200];
    const [course] = (await moodle().getCoursesByField('idnumber', 'BUS102')).courses;
    const [user] = await moodle().getUsersByField('idnumber', ['EDU-STU-2026-00001']);
    await moodle().enrolUsers([{ roleid: 5, userid: user.id, courseid: course.id }]);
    const deliveries = await waitForDeliveries(3);
    expect(deliveries).toHaveLength(3);
    expect(new Set(deliveries.map((delivery) => delivery.headers['webhook-id'])).size).toBe(1);
    expect(new Set(deliveries.map((delivery) => delivery.body)).size).toBe(1);

    received = [];
    answers = [400];
    await moodle().unenrolUsers([{ userid: user.id, courseid: course.id }]);
    await moodle().enrolUsers([{ roleid: 5, userid: user.id, courseid: course.id }]);
    await waitForDeliveries(2, 500);
    expect(received).toHaveLength(1);
    const listed = (await (await fetch(`${sandbox.url}/__sandbox/webhooks`)).json()) as { deliveries: { outcome: string; attempts: number }[] };
    expect(listed.deliveries.map(({ outcome, attempts }) => [outcome, attempts])).toEqual([['delivered', 3], ['failed', 1]]);
  });

  test('a rolled-back batch reaches local_webhooks but not local_webhookengine, which only sees commits', async () => {
    await register({ url: `${receiverUrl}/engine`, secret, events: ['\\core\\event\\user_created'] });
    await register({ url: `${receiverUrl}/legacy`, secret: 'dev-webhook-secret', format: 'local_webhooks', events: ['\\core\\event\\user_created'] });
    const users = [
      { username: 'hook.one', firstname: 'Hook', lastname: 'One', email: 'hook.one@example.edu', createpassword: true },
      { username: 'admin', firstname: 'Dup', lastname: 'Licate', email: 'dup@example.edu', createpassword: true },
    ];
    await expect(moodle().createUsers(users)).rejects.toThrow();
    await waitForDeliveries(2, 500);
    expect(received.map((delivery) => delivery.url)).toEqual(['/legacy']);
    expect(JSON.parse(received[0].body)).toMatchObject({ eventname: '\\core\\event\\user_created', courseid: 0, other: null, token: 'dev-webhook-secret' });
  });

  test('a fee enrolment says other.enrol = fee; a manual unenrolment says manual, with the enrolment row as strings', async () => {
    await register({ url: `${receiverUrl}/legacy`, secret: 'dev-webhook-secret', format: 'local_webhooks', events: [enrolled, '\\core\\event\\user_enrolment_deleted'] });
    const [elective] = (await moodle().getCoursesByField('idnumber', 'PHO150')).courses;
    const [payer] = await moodle().getUsersByField('idnumber', ['EDU-STU-2026-00004']);
    const payment = await fetch(`${sandbox.url}/__sandbox/payments`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userid: payer.id, courseid: elective.id }) });
    expect(payment.status).toBe(201);
    expect(received).toHaveLength(1);
    expect(JSON.parse(received[0].body)).toMatchObject({ relateduserid: payer.id, courseid: String(elective.id), other: { enrol: 'fee' } });

    const [course] = (await moodle().getCoursesByField('idnumber', 'CS101')).courses;
    const manual = sandbox.state.enrolInstances.find((instance) => instance.courseid === course.id && instance.enrol === 'manual');
    const student = { id: sandbox.state.userEnrolments.find((ue) => ue.enrolid === manual?.id)?.userid ?? 0 };
    await moodle().unenrolUsers([{ userid: student.id, courseid: course.id }]);
    const deleted = JSON.parse(received[1].body);
    expect(deleted).toMatchObject({ eventname: '\\core\\event\\user_enrolment_deleted', relateduserid: String(student.id), courseid: String(course.id), other: { enrol: 'manual', userenrolment: { userid: String(student.id), lastenrol: true } } });
    expect(typeof deleted.objectid).toBe('string');
  });
});
