import { runHeldBackStep, seedHeldBackDocuments } from './support/held-back-documents';
import { startCapturedSandbox, type CapturedSandbox } from './support/captured-instance';
import { compareCapture, isApiCapture, learnSubstitutions, loadCaptures, replayCapture, type ApiCapture } from './support/capture-replay';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver';

/**
 * Replays the real captures 179–370 (Instructor, Student Group, Course Schedule, assessment,
 * attendance, Guardian, Customer, Item, Sales Invoice, Payment Entry, fees, Webhook validation and
 * clean-up) after replaying 001–178 unasserted to build the state they depend on; what held-back
 * captures did is rebuilt by ./support/held-back-documents. The capture webhooks' listener
 * (127.0.0.1:3995) is stood in for by a local receiver, the captured site's own address
 * (127.0.0.1:8000, in absolute links) by the sandbox's.
 *
 * Every capture must match exactly, except those listed below; each listed one is asserted to still
 * differ, so the list can only shrink.
 */
const reasons = {
  webhookLog: 'Webhook Request Log rows of the captured run are not rebuilt: their `error` holds the Python/urllib3 tracebacks of the real worker (354: refused connections to :3999) and their names and order come from that run (355)',
};
const knownDifferences: Record<number, string> = {
  ...each([354, 355], reasons.webhookLog),
};

function each(numbers: number[], reason: string): Record<number, string> {
  return Object.fromEntries(numbers.map((n) => [n, reason]));
}

describe('ERPNext sandbox replays the real captures 179–370 (roster, assessment, attendance, money, webhooks)', () => {
  const asserted = loadCaptures([179, 370]).filter(isApiCapture);
  let captured: CapturedSandbox;
  let receiver: WebhookReceiver;

  const replay = async (capture: ApiCapture) => {
    runHeldBackStep(captured.sandbox.state.site, capture.number);
    const actual = await replayCapture(captured.sandbox.url, capture, captured.state);
    learnSubstitutions(capture, actual, captured.state);
    return compareCapture(capture, actual, captured.state);
  };

  beforeAll(async () => {
    captured = await startCapturedSandbox();
    seedHeldBackDocuments(captured.sandbox.state.site);
    receiver = await startWebhookReceiver();
    captured.state.substitutions.set('http://127.0.0.1:3995', receiver.url);
    captured.state.substitutions.set('http://127.0.0.1:8000', captured.sandbox.url);
    for (const capture of loadCaptures([1, 178]).filter(isApiCapture)) await replay(capture);
  }, 120_000);
  afterAll(async () => {
    await captured.sandbox.close();
    await receiver.close();
  });

  test('every known difference names a capture in the range, with a reason', () => {
    const numbers = new Set(asserted.map((c) => c.number));
    for (const [number, reason] of Object.entries(knownDifferences)) expect({ number, inRange: numbers.has(Number(number)), reason: reason.length > 20 }).toEqual({ number, inRange: true, reason: true });
  });

  test.each(asserted.map((capture) => [capture.file, capture] as const))('%s', async (_file, capture: ApiCapture) => {
    const result = await replay(capture);
    if (knownDifferences[capture.number]) {
      expect({ capture: capture.file, stillDiffers: !result.same }).toEqual({ capture: capture.file, stillDiffers: true });
      return;
    }
    if (!result.same) throw new Error(`${capture.file}: ${result.detail}`);
  });
});
