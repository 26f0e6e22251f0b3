import { compareCapture, isApiCapture, learnSubstitutions, loadCaptures, replayCapture, volatileFields, type ApiCapture } from './support/capture-replay';
import { startCapturedSandbox, type CapturedSandbox } from './support/captured-instance';
import { runHeldBackStep, seedHeldBackDocuments } from './support/held-back-documents';

/**
 * The real Frappe 15.72 / ERPNext 15.71 / Education 15.5 site is the referee for the core REST API
 * and the Education DocTypes: captures 001–178 are replayed in order against one sandbox seeded like
 * the captured instance, and each must give the same HTTP status, content type and body
 * (`exc_type`, `exception`, `_server_messages`, data), normalised only as `volatileFields` lists.
 */

/**
 * Cases where the sandbox still answers differently, each with its reason; each is asserted to
 * still differ, so the list cannot rot (a fixed one must be removed).
 */
const knownDifferences: Record<number, string> = {
  41: 'a child-table list without ORDER BY comes in row-hash (primary key) order, random per insert',
  42: 'fields quoting `tabProgram Course`.course (a child column selected through the parent) are not modelled',
  43: 'the DocType DocType (lists of DocTypes by module) is not modelled',
  79: 'three "Decoy" Students of earlier runs existed on the real site, but no capture says which of the 213 unnamed pre-existing ones: naming three would fit the count, not a fact',
  100: 'the message is now Frappe\'s (form links, trailing space); which linking document comes first follows get_link_fields\' unordered DocField query, and the pre-existing Program Enrollment EDU-ENR-2026-00008 it names is not seeded',
};

describe('ERPNext sandbox replays the real captures 001–178 (core REST, auth, lists, writes, Education)', () => {
  const captures = loadCaptures([1, 178]).filter(isApiCapture);
  let run: CapturedSandbox;
  const exact: number[] = [];
  const differing: string[] = [];

  beforeAll(async () => {
    run = await startCapturedSandbox();
    seedHeldBackDocuments(run.sandbox.state.site);
    // Absolute links in messages name the site's own address (127.0.0.1:8000 when captured).
    run.state.substitutions.set('http://127.0.0.1:8000', run.sandbox.url);
  });
  afterAll(async () => {
    await run.sandbox.close();
  });

  test('normalised fields each carry a reason', () => {
    for (const reason of Object.values(volatileFields)) expect(reason.length).toBeGreaterThan(20);
  });

  test.each(captures.map((capture) => [capture.file, capture] as const))('%s', async (_file, capture: ApiCapture) => {
    runHeldBackStep(run.sandbox.state.site, capture.number);
    const actual = await replayCapture(run.sandbox.url, capture, run.state);
    learnSubstitutions(capture, actual, run.state);
    const result = compareCapture(capture, actual, run.state);
    if (knownDifferences[capture.number]) {
      expect({ capture: capture.file, stillDiffers: !result.same }).toEqual({ capture: capture.file, stillDiffers: true });
      return;
    }
    if (!result.same) {
      differing.push(capture.file);
      throw new Error(`${capture.file}: ${result.detail}`);
    }
    exact.push(capture.number);
  });

  test('every capture matches except the listed differences', () => {
    expect(differing).toEqual([]);
    expect(exact.length + Object.keys(knownDifferences).length).toBe(captures.length);
  });
});
