import { isDeepStrictEqual } from 'node:util';
import type { MoodleSandbox } from '../../sandboxes/moodle';
import { nextId } from '../../sandboxes/moodle/state';
import { loadCaptures, replay } from './support/captures';
import { callWs, normaliseSecondSite, replayRosterCaptures, secondSiteToken, startSecondSite } from './support/second-site';

/**
 * The paid-enrolment captures 288-303 (enrol_fee instance on course 28, the fee-enrolled user as
 * the enrolment web services show them, the course moved to a missing category by 173 and repaired
 * by 299), replayed after 141-272 have built the site they ran on. Normalisations: those of
 * support/second-site.ts.
 */
const numbers = [288, 289, 291, 292, 293, 294, 295, 296, 298, 299, 300, 301, 302, 303];

describe('Moodle sandbox replays the real enrol_fee captures (288-303)', () => {
  let sandbox: MoodleSandbox;
  const all = loadCaptures();
  const captures = all.filter((capture) => numbers.includes(capture.number));

  beforeAll(async () => {
    sandbox = await startSecondSite();
    await replayRosterCaptures(sandbox, all);
    sandbox.state.settings.wsRoleCapabilities.push('moodle/site:messageanyuser');
  });
  afterAll(async () => {
    await sandbox.close();
  });

  /** What the capture run did outside the web services (PHP API), or in held-back captures, before a capture. */
  async function before(number: number) {
    const { state } = sandbox;
    if (number === 289) {
      // Payment account 1 with PayPal, `fee` enabled, instance 91 (49.99 EUR, student, account 1) on course 28 (289's note).
      state.paymentAccounts.push({ id: 1, name: 'C2-Payments', gateways: [{ shortname: 'paypal', surcharge: 0 }] });
      // Instance ids were handed out as on the real site (three per course), so the next one is 91.
      state.enrolInstances.push({ id: nextId(state, 'enrol'), courseid: 28, enrol: 'fee', status: 0, roleid: 5, cost: '49.99', currency: 'EUR', customint1: 1 });
    }
    if (number === 295) {
      // save_payment() + deliver_order() for user 5490, as paygw_paypal does after a completed order (295's note).
      const paid = await fetch(`${sandbox.url}/__sandbox/payments`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userid: 5490, courseid: 28 }) });
      expect(paid.status).toBe(201);
    }
    // 297 (held back): enrol_manual_unenrol_users on the fee-enrolled user answers null and does nothing.
    if (number === 298) expect(await callWs(sandbox, ['enrol_manual_unenrol_users', { 'enrolments[0][userid]': '5490', 'enrolments[0][courseid]': '28' }])).toBeNull();
  }

  test('the replayed captures are present', () => {
    expect(captures.map((capture) => capture.number)).toEqual(numbers);
  });

  test.each(captures.map((capture) => [capture.file, capture] as const))('%s', async (_file, capture) => {
    await before(capture.number);
    const actual = await replay(capture, sandbox.url, secondSiteToken);
    expect(actual.status).toBe(capture.http_status);
    expect(actual.contentType).toBe(capture.headers['content-type']);
    const expected = normaliseSecondSite(capture.response, sandbox.url);
    const got = normaliseSecondSite(JSON.parse(actual.text), sandbox.url);
    if (!isDeepStrictEqual(got, expected)) throw new Error(`${capture.file}\nexpected ${JSON.stringify(expected)}\n     got ${JSON.stringify(got)}`);
  });
});
