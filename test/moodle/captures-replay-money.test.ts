import { isDeepStrictEqual } from 'node:util';
import { startMoodleSandbox, type MoodleSandbox } from '../../sandboxes/moodle';
import { firstSetRoleCapabilities } from '../../sandboxes/moodle/capabilities';
import { newUser } from '../../sandboxes/moodle/state';
import { loadCaptures, replay } from './support/captures';

/**
 * Messaging and payment captures of the second set (273-294) replayed against a sandbox holding
 * what those calls depend on from the captured 4.1.11 site: the web-service user (3), the
 * recipients 5488, 5489 and 5493 (suspended by 277), and the enrol_fee instance 91 (49.99 EUR, account 1 with PayPal).
 *
 * Normalised, each for a reason: `timecreated` (wall clock of the run) and the theme revision in
 * image URLs (a per-site cache counter); the site URL (the sandbox listens on a free port).
 */
const token = 'c2-token';
const numbers = [273, 274, 275, 277, 278, 279, 280, 281, 282, 284, 285, 286, 287, 292, 293, 294];

function normalise(value: unknown, siteUrl: string): unknown {
  if (typeof value === 'string') {
    return value
      .split(siteUrl).join('<site>')
      .split(siteUrl.replace(/\//g, '\\/')).join('<site>')
      .split('http:\\/\\/127.0.0.1:8090').join('<site>')
      .split('http://127.0.0.1:8090').join('<site>')
      .replace(/\/core\/\d+\/u\//g, '/core/<rev>/u/')
      .replace(/\\\/core\\\/\d+\\\/u\\\//g, '\\/core\\/<rev>\\/u\\/');
  }
  if (Array.isArray(value)) return value.map((item) => normalise(item, siteUrl));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, key === 'timecreated' && typeof item === 'number' ? '<time>' : normalise(item, siteUrl)]));
  }
  return value;
}

describe('Moodle sandbox replays the real messaging and payment captures (273-294)', () => {
  let sandbox: MoodleSandbox;
  const captures = loadCaptures().filter((capture) => numbers.includes(capture.number));

  beforeAll(async () => {
    sandbox = await startMoodleSandbox({ seed: 'captures', token });
    const { state } = sandbox;
    // The captured messages were all sent within one second, so get_messages' newest-first order
    // fell back to the id; a clock that ticks during the replay would order them by second instead.
    const capturedAt = state.now();
    state.now = () => capturedAt;
    state.service.functions.push('core_message_send_instant_messages', 'core_message_get_messages', 'core_payment_get_available_gateways');
    state.settings.wsRoleCapabilities = [...firstSetRoleCapabilities];
    state.sequences.set('user', 5487);
    for (const [username, firstname, lastname] of [['c2stu1', 'Bea', 'Ruiz'], ['c2stu2', 'Carl', 'Ode']]) state.users.push(newUser(state, { username, firstname, lastname, email: `${username}@example.edu` }));
    state.sequences.set('user', 5492);
    state.users.push(newUser(state, { username: 'c2susp', firstname: 'Sus', lastname: 'Pended', email: 'c2susp@example.edu' }));
    state.paymentAccounts.push({ id: 1, name: 'C2-Payments', gateways: [{ shortname: 'paypal', surcharge: 0 }] });
    state.enrolInstances.push({ id: 91, courseid: 1, enrol: 'fee', status: 0, roleid: 5, cost: '49.99', currency: 'EUR', customint1: 1 });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  test('the replayed captures are present', () => {
    expect(captures.map((capture) => capture.number)).toEqual(numbers);
  });

  /** What the capture run changed outside the web services just before a capture. */
  const before: Record<number, Partial<MoodleSandbox['state']['settings']>> = {
    274: { wsRoleCapabilities: [...firstSetRoleCapabilities, 'moodle/site:messageanyuser'] },
    286: { messaging: false },
    287: { revokedCapabilities: ['moodle/site:sendmessage'] },
  };
  const after: Record<number, Partial<MoodleSandbox['state']['settings']>> = { 286: { messaging: true }, 287: { revokedCapabilities: [] } };

  test.each(captures.map((capture) => [capture.file, capture] as const))('%s', async (_file, capture) => {
    Object.assign(sandbox.state.settings, before[capture.number] ?? {});
    const actual = await replay(capture, sandbox.url, token);
    Object.assign(sandbox.state.settings, after[capture.number] ?? {});
    expect(actual.status).toBe(capture.http_status);
    expect(actual.contentType).toBe(capture.headers['content-type']);
    const expected = normalise(capture.response, sandbox.url);
    const got = normalise(JSON.parse(actual.text), sandbox.url);
    if (!isDeepStrictEqual(got, expected)) throw new Error(`${capture.file}\nexpected ${JSON.stringify(expected)}\n     got ${JSON.stringify(got)}`);
  });
});
