import { runHeldBackStep, seedHeldBackDocuments } from './support/held-back-documents';
import { startCapturedSandbox, type CapturedSandbox } from './support/captured-instance';
import { compareCapture, isApiCapture, learnSubstitutions, loadCaptures, replayCapture } from './support/capture-replay';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver';

/**
 * Replays the real captures 179–370 (Instructor, Student Group, Course Schedule, assessment,
 * attendance, Guardian, Customer, Item, Sales Invoice, Payment Entry, fees, Webhook validation and
 * clean-up) after replaying 001–178 unasserted to build the state they depend on. The capture
 * webhooks' listener (127.0.0.1:3995) is stood in for by a local receiver.
 */
let captured: CapturedSandbox;
let receiver: WebhookReceiver;
const results = new Map<number, { same: boolean; detail: string }>();

/**
 * The captures that already match exactly. The rest do not yet (missing DocTypes: Instructor,
 * Course Schedule, Guardian, Payment Request, Fee *; Sales Invoice / Payment Entry / Item /
 * Customer bodies lack most of ERPNext's ~100 fields; webhook documents for Instructor fail
 * earlier, so clean-up 357–366 answers 404); the test prints every difference. This list may only grow.
 */
const matching = [189, 229, 230, 235, 242, 243, 253, 259, 288, 315, 327];

beforeAll(async () => {
  captured = await startCapturedSandbox();
  seedHeldBackDocuments(captured.sandbox.state.site);
  receiver = await startWebhookReceiver();
  captured.state.substitutions.set('http://127.0.0.1:3995', receiver.url);
  captured.state.substitutions.set('http://127.0.0.1:8000', captured.sandbox.url);
  for (const capture of loadCaptures([1, 370]).filter(isApiCapture)) {
    runHeldBackStep(captured.sandbox.state.site, capture.number);
    const actual = await replayCapture(captured.sandbox.url, capture, captured.state);
    learnSubstitutions(capture, actual, captured.state);
    if (capture.number >= 179) results.set(capture.number, compareCapture(capture, actual, captured.state));
  }
}, 240_000);
afterAll(async () => {
  await captured.sandbox.close();
  await receiver.close();
});

it('replays every API capture 179–370 and keeps the matching ones matching', () => {
  const differing = [...results].filter(([, r]) => !r.same);
  console.log(`${results.size - differing.length}/${results.size} match; differing: ${differing.map(([n]) => n).join(' ')}\n${differing.map(([n, r]) => `${n}: ${r.detail.slice(0, 600)}`).join('\n')}`);
  expect(results.size).toBe(loadCaptures([179, 370]).filter(isApiCapture).length);
  for (const number of matching) expect({ number, ...results.get(number) }).toEqual({ number, same: true, detail: '' });
});
