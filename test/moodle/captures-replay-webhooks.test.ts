import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MoodleSandbox } from '../../sandboxes/moodle';
import { loadCaptures, loadWebhookDeliveries, replay, type WebhookDeliveryCapture } from './support/captures';
import { callWs, replayRosterCaptures, secondSiteToken, startSecondSite, type WsCall } from './support/second-site';

/**
 * local_webhooks 3.0.5's deliveries (captures 305-319) replayed: after 141-272 have built the
 * site, each trigger runs against the sandbox with the captured hook (same token, extra, events)
 * pointing at a listener that answers like the capture's (`/ok` 200 `{"ok":true}`, `/fail` 500,
 * `/slow` 200 after a wait — 2 s here instead of 5 s, to keep the test short). What the listener
 * receives must be the captured request byte for byte, except:
 * - `timecreated` of the event and of the deleted enrolment row, and its `timemodified`: wall clock;
 * - `contextid`: context ids count every context a site ever made, which the sandbox does not replay;
 * - `Host`, and the site URL in `User-Agent`: the listener and the sandbox run on free ports;
 * - `Content-Length`: follows the lengths of the above; it must equal the body's byte length.
 * User-enrolment ids are exact: the sequence starts where the real site's stood (15034).
 */
const slowMs = 2000;

interface Arrival {
  method: string;
  url: string;
  httpVersion: string;
  rawHeaders: string[];
  body: string;
}

const normaliseBody = (body: string) =>
  body
    .replace(/"timecreated":"?\d+"?/g, '"timecreated":<time>')
    .replace(/"timemodified":"\d+"/g, '"timemodified":<time>')
    .replace(/"contextid":\d+/g, '"contextid":<context>');

describe('Moodle sandbox replays the real local_webhooks deliveries (305-319)', () => {
  let sandbox: MoodleSandbox;
  let listener: Server;
  let listenerUrl: string;
  let arrivals: Arrival[];
  const all = loadCaptures();
  const deliveries = new Map(loadWebhookDeliveries().map((capture) => [capture.number, capture]));
  const trigger = (number: number) => all.find((capture) => capture.number === number);

  beforeAll(async () => {
    arrivals = [];
    listener = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        arrivals.push({ method: request.method ?? '', url: request.url ?? '', httpVersion: request.httpVersion, rawHeaders: request.rawHeaders, body: Buffer.concat(chunks).toString('utf8') });
        const answer = () => response.writeHead(request.url === '/fail' ? 500 : 200, { 'content-type': 'application/json' }).end(request.url === '/fail' ? '{"ok":false}' : '{"ok":true}');
        if (request.url === '/slow') setTimeout(answer, slowMs);
        else answer();
      });
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    listenerUrl = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
    sandbox = await startSecondSite();
    await replayRosterCaptures(sandbox, all);
    sandbox.state.sequences.set('user_enrolments', 15034);
  });
  afterAll(async () => {
    await sandbox.close();
    await new Promise((resolve) => listener.close(resolve));
  });

  /** The captured hook (local_webhookengine's settings are irrelevant here), at `path` of the listener or at a closed port. */
  async function pointHookAt(capture: WebhookDeliveryCapture, url: string) {
    await fetch(`${sandbox.url}/__sandbox/webhooks`, { method: 'DELETE' });
    const { token, other, events, type } = capture.hook;
    const response = await fetch(`${sandbox.url}/__sandbox/webhooks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url, secret: token, extra: other, events, format: 'local_webhooks', contentType: `application/${type}` }),
    });
    expect(response.status).toBe(201);
  }

  /** Runs a trigger (a capture, or a held-back one as a plain call) and returns what the listener got meanwhile and how long the call took. */
  async function run(step: number | WsCall) {
    arrivals = [];
    const started = Date.now();
    if (typeof step === 'number') {
      const capture = trigger(step);
      if (!capture) throw new Error(`capture ${step} missing`);
      const actual = await replay(capture, sandbox.url, secondSiteToken);
      expect(JSON.parse(actual.text)).toEqual(capture.response);
    } else {
      await callWs(sandbox, step);
    }
    return { arrived: [...arrivals], elapsedMs: Date.now() - started };
  }

  function expectSameRequests(capture: WebhookDeliveryCapture, arrived: Arrival[]) {
    expect(arrived).toHaveLength(capture.deliveries.length);
    capture.deliveries.forEach((expected, index) => {
      const got = arrived[index];
      expect([got.method, `HTTP/${got.httpVersion}`, got.url]).toEqual([expected.method, expected.http_version, new URL(expected.url).pathname]);
      const names = (headers: string[]) => headers.filter((_, position) => position % 2 === 0);
      expect(names(got.rawHeaders)).toEqual(Object.keys(expected.headers));
      const headers = Object.fromEntries(got.rawHeaders.flatMap((value, position) => (position % 2 === 0 ? [[value, got.rawHeaders[position + 1]]] : [])));
      expect(headers['Content-Length']).toBe(String(Buffer.byteLength(got.body)));
      expect(expected.headers['Content-Length']).toBe(String(Buffer.byteLength(expected.body_raw)));
      expect({ ...headers, Host: '<host>', 'Content-Length': '<length>', 'User-Agent': headers['User-Agent'].replace(sandbox.url, '<site>') }).toEqual({
        ...expected.headers,
        Host: '<host>',
        'Content-Length': '<length>',
        'User-Agent': expected.headers['User-Agent'].replace('http://127.0.0.1:8090', '<site>'),
      });
      expect(normaliseBody(got.body)).toBe(normaliseBody(expected.body_raw));
    });
  }

  const hook = (number: number) => {
    const capture = deliveries.get(number);
    if (!capture) throw new Error(`delivery capture ${number} missing`);
    return capture;
  };
  const enrol5490: WsCall = ['enrol_manual_enrol_users', { 'enrolments[0][roleid]': '5', 'enrolments[0][userid]': '5490', 'enrolments[0][courseid]': '27' }];
  const unenrol5490: WsCall = ['enrol_manual_unenrol_users', { 'enrolments[0][userid]': '5490', 'enrolments[0][courseid]': '27' }];

  test('305: with cURL security blocking loopback, nothing reaches the listener and the call still succeeds', async () => {
    sandbox.state.settings.curlsecurityblockedhosts = ['127.0.0.1', 'localhost'];
    await pointHookAt(hook(305), `${listenerUrl}/ok`);
    const { arrived } = await run(enrol5490); // 304, held back
    expectSameRequests(hook(305), arrived);
    sandbox.state.settings.curlsecurityblockedhosts = [];
  });

  test('307: user_enrolment_deleted, ids as strings and the whole enrolment row', async () => {
    const { arrived } = await run(306);
    expectSameRequests(hook(307), arrived);
  });

  test('309: user_enrolment_created, objectid and relateduserid as integers, courseid as a string', async () => {
    const { arrived } = await run(308);
    expectSameRequests(hook(309), arrived);
  });

  test('313: a user_created from a rolled-back batch is still delivered, for a user that does not exist', async () => {
    const created = await run(310); // its delivery (311) is held back
    expect(created.arrived).toHaveLength(1);
    const { arrived } = await run(312);
    expectSameRequests(hook(313), arrived);
    expect(sandbox.state.users.some((user) => user.username === 'c2hook2')).toBe(false);
  });

  test('315: a 500 from the listener is not retried', async () => {
    await pointHookAt(hook(315), `${listenerUrl}/fail`);
    const { arrived } = await run(314);
    expectSameRequests(hook(315), arrived);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(arrivals).toHaveLength(1);
  });

  test('317: a slow listener holds the web-service call until it answers', async () => {
    await pointHookAt(hook(317), `${listenerUrl}/slow`);
    const { arrived, elapsedMs } = await run(316);
    expectSameRequests(hook(317), arrived);
    expect(elapsedMs).toBeGreaterThanOrEqual(slowMs);
  });

  test('319: a listener that is down gets nothing and the call still answers null', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    await pointHookAt(hook(319), `http://127.0.0.1:${port}/down`);
    const { arrived, elapsedMs } = await run(unenrol5490); // 318, held back
    expectSameRequests(hook(319), arrived);
    expect(elapsedMs).toBeLessThan(1000);
  });
});
