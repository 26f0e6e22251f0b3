import { isDeepStrictEqual } from 'node:util';
import type { MoodleSandbox } from '../../sandboxes/moodle';
import { loadCaptures, replay } from './support/captures';
import { afterRosterCapture, beforeRosterCapture, normaliseSecondSite, secondSiteToken, startSecondSite } from './support/second-site';

/**
 * The roster captures of the second set (141–272: categories, course update and duplication,
 * groups, groupings, roles, activity completion), replayed in order against one sandbox holding
 * what they depend on from the captured 4.1.11 site (support/second-site.ts, with its normalisations).
 */
describe('Moodle sandbox replays the real roster captures (141-272)', () => {
  let sandbox: MoodleSandbox;
  const captures = loadCaptures().filter((capture) => capture.number >= 141 && capture.number <= 272);

  beforeAll(async () => {
    sandbox = await startSecondSite();
  });
  afterAll(async () => {
    await sandbox.close();
  });

  test.each(captures.map((capture) => [capture.file, capture] as const))('%s', async (_file, capture) => {
    await beforeRosterCapture(sandbox, capture);
    const actual = await replay(capture, sandbox.url, secondSiteToken);
    afterRosterCapture(sandbox, capture);
    expect(actual.status).toBe(capture.http_status);
    expect(actual.contentType).toBe(capture.headers['content-type']);
    const expected = normaliseSecondSite(capture.response, sandbox.url);
    const got = normaliseSecondSite(JSON.parse(actual.text), sandbox.url);
    if (!isDeepStrictEqual(got, expected)) throw new Error(`${capture.file}\nexpected ${JSON.stringify(expected)}\n     got ${JSON.stringify(got)}`);
  });
});
