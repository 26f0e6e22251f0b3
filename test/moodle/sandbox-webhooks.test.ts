import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMoodleClient } from '../../src/moodle/client';
import { startMoodleSandbox, type MoodleSandbox } from '../../sandboxes/moodle';

/** The sandbox's outbound webhooks: Moodle event data, signed the Standard Webhooks way. */

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

const secretKey = Buffer.from('campus-bridge-moodle-webhook-key');
const secret = `whsec_${secretKey.toString('base64')}`;

describe('Moodle sandbox webhooks', () => {
  let sandbox: MoodleSandbox;
  let receiver: Server;
  let received: Received[];

  beforeEach(async () => {
    received = [];
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        response.writeHead(202).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    sandbox = await startMoodleSandbox({ seed: 'demo' });
    const { port } = receiver.address() as AddressInfo;
    const registration = await fetch(`${sandbox.url}/__sandbox/webhooks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: `http://127.0.0.1:${port}/webhooks/moodle`, secret, events: ['\\core\\event\\user_enrolment_created'] }),
    });
    expect(registration.status).toBe(201);
  });

  afterEach(async () => {
    await sandbox.close();
    await new Promise((resolve) => receiver.close(resolve));
  });

  const waitForDeliveries = async (count: number) => {
    for (let attempt = 0; attempt < 100 && received.length < count; attempt += 1) await new Promise((resolve) => setTimeout(resolve, 20));
    return received;
  };

  test('a manual enrolment sends a signed user_enrolment_created event', async () => {
    const moodle = createMoodleClient({ url: sandbox.url, token: 'dev-moodle-token' });
    const [course] = (await moodle.getCoursesByField('idnumber', 'NUR101')).courses;
    const [user] = await moodle.getUsersByField('idnumber', ['EDU-STU-2026-00001']); // a Computer Science student, new to NUR101
    await moodle.enrolUsers([{ roleid: 5, userid: user.id, courseid: course.id }]);

    const [delivery] = await waitForDeliveries(1);
    const id = String(delivery.headers['webhook-id']);
    const timestamp = String(delivery.headers['webhook-timestamp']);
    const expected = createHmac('sha256', secretKey).update(`${id}.${timestamp}.${delivery.body}`).digest('base64');
    expect(delivery.headers['webhook-signature']).toBe(`v1,${expected}`);
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(60);
    expect(JSON.parse(delivery.body)).toMatchObject({
      eventname: '\\core\\event\\user_enrolment_created',
      objecttable: 'user_enrolments',
      objectid: expect.any(Number),
      relateduserid: user.id,
      courseid: course.id,
      contextinstanceid: course.id,
      userid: expect.any(Number),
      other: { enrol: 'manual' },
      timecreated: expect.any(Number),
    });
  });

  test('re-enrolling an active user sends nothing; a paid elective enrolment sends other.enrol = fee', async () => {
    const moodle = createMoodleClient({ url: sandbox.url, token: 'dev-moodle-token' });
    const [course] = (await moodle.getCoursesByField('idnumber', 'CS101')).courses;
    const [enrolled] = await moodle.getEnrolledUsers(course.id, { onlyactive: true });
    await moodle.enrolUsers([{ roleid: 5, userid: enrolled.id, courseid: course.id }]);

    const [elective] = (await moodle.getCoursesByField('idnumber', 'PHO150')).courses;
    const [payer] = await moodle.getUsersByField('idnumber', ['EDU-STU-2026-00004']);
    const payment = await fetch(`${sandbox.url}/__sandbox/payments`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userid: payer.id, courseid: elective.id }) });
    expect(payment.status).toBe(201);

    const deliveries = await waitForDeliveries(1);
    expect(deliveries).toHaveLength(1);
    expect(JSON.parse(deliveries[0].body)).toMatchObject({ relateduserid: payer.id, courseid: elective.id, other: { enrol: 'fee' } });
    expect((await moodle.getUsersCourses(payer.id)).map((c) => c.idnumber)).toContain('PHO150');
  });

  test('a local_webhooks receiver gets the event with the shared token in the body, unsigned', async () => {
    const { port } = receiver.address() as AddressInfo;
    await fetch(`${sandbox.url}/__sandbox/webhooks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: `http://127.0.0.1:${port}/legacy`, secret: 'dev-webhook-secret', events: ['\\core\\event\\user_enrolment_created'], format: 'local_webhooks' }),
    });
    const moodle = createMoodleClient({ url: sandbox.url, token: 'dev-moodle-token' });
    const [course] = (await moodle.getCoursesByField('idnumber', 'BUS102')).courses;
    const [user] = await moodle.getUsersByField('idnumber', ['EDU-STU-2026-00001']);
    await moodle.enrolUsers([{ roleid: 5, userid: user.id, courseid: course.id }]);

    const deliveries = await waitForDeliveries(2);
    const legacy = deliveries.find((delivery) => delivery.headers['webhook-signature'] === undefined);
    expect(JSON.parse(legacy?.body ?? '{}')).toMatchObject({ eventname: '\\core\\event\\user_enrolment_created', token: 'dev-webhook-secret', host: expect.any(String), relateduserid: user.id, courseid: course.id });
  });
});
