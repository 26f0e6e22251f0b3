import { compareCapture, isApiCapture, learnSubstitutions, loadCaptures, replayCapture, volatileFields, type ApiCapture } from './support/capture-replay';
import { startCapturedSandbox, type CapturedSandbox } from './support/captured-instance';

/**
 * The real Frappe 15.72 / ERPNext 15.71 / Education 15.5 site is the referee for the core REST API
 * and the Education DocTypes: captures 001–178 are replayed in order against one sandbox seeded like
 * the captured instance, and each must give the same HTTP status, content type and body
 * (`exc_type`, `exception`, `_server_messages`, data), normalised only as `volatileFields` lists.
 */

/**
 * Cases where the sandbox still answers differently; each is asserted to still differ, so the list
 * cannot rot (a fixed one must be removed). `pending` = not yet triaged; the main gaps are: missing
 * fields and child tables in the DocType metadata (Course topics/assessment_criteria, Student
 * siblings/guardians, Program Enrollment fees/amended_from), no Education Settings single, no User
 * DocType fields, the default list order, `as_dict=0`, parent-field queries, JSON-decode 500s, the
 * MandatoryError wording ("Error: Value missing…", `[DocType, name]: field`), DuplicateEntryError's
 * IntegrityError text, Webhook `__newname`, and cascades from those (later captures that need the
 * documents an earlier differing capture did not create).
 */
const pending = 'not yet exact (see the header of this list)';
const knownDifferences: Record<number, string> = {
  161: pending,
  165: pending,
  168: pending,
  169: pending,
  177: pending,
  104: pending,
  107: pending,
  153: pending,
  154: pending,
  12: pending,
  19: pending,
  23: pending,
  27: pending,
  30: pending,
  35: pending,
  36: pending,
  37: pending,
  41: pending,
  42: pending,
  43: pending,
  44: pending,
  46: pending,
  47: pending,
  48: pending,
  50: pending,
  53: pending,
  54: pending,
  55: pending,
  56: pending,
  57: pending,
  58: pending,
  60: pending,
  61: pending,
  63: pending,
  69: pending,
  72: pending,
  74: pending,
  76: pending,
  77: pending,
  79: pending,
  82: pending,
  85: pending,
  86: pending,
  90: pending,
  95: pending,
  96: pending,
  97: pending,
  99: pending,
  100: pending,
  103: pending,
  105: pending,
  106: pending,
  109: pending,
  110: pending,
  111: pending,
  116: pending,
  117: pending,
  119: pending,
  120: pending,
  126: pending,
  128: pending,
  130: pending,
  131: pending,
  132: pending,
  133: pending,
  135: pending,
  137: pending,
  138: pending,
  139: pending,
  142: pending,
  144: pending,
  145: pending,
  146: pending,
  147: pending,
  148: pending,
  149: pending,
  151: pending,
  158: pending,
  159: pending,
  160: pending,
  162: pending,
  163: pending,
  166: pending,
  170: pending,
  172: pending,
  174: pending,
  175: pending,
  176: pending,
};

describe('ERPNext sandbox replays the real captures 001–178 (core REST, auth, lists, writes, Education)', () => {
  const captures = loadCaptures([1, 178]).filter(isApiCapture);
  let run: CapturedSandbox;
  const exact: number[] = [];
  const differing: string[] = [];

  beforeAll(async () => {
    run = await startCapturedSandbox();
  });
  afterAll(async () => {
    await run.sandbox.close();
  });

  test('normalised fields each carry a reason', () => {
    for (const reason of Object.values(volatileFields)) expect(reason.length).toBeGreaterThan(20);
  });

  test.each(captures.map((capture) => [capture.file, capture] as const))('%s', async (_file, capture: ApiCapture) => {
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
