import { createHmac } from 'node:crypto';
import { frappeSignature, verifyFrappeSignature } from '../../src/webhooks/erpnext-contract';

// What Frappe sends: json.dumps(data) with Python's ", " / ": " separators and \u escapes.
const frappeBody = Buffer.from('{"doctype": "Student", "name": "EDU-STU-2026-00001", "first_name": "Ren\\u00e9e"}', 'utf8');

describe('Frappe webhook signature', () => {
  it('is base64 HMAC-SHA256 of the raw body keyed with the secret', () => {
    const expected = createHmac('sha256', 'dev-webhook-secret').update(frappeBody).digest('base64');
    expect(frappeSignature(frappeBody, 'dev-webhook-secret')).toBe(expected);
  });

  it('accepts the right signature over the exact bytes', () => {
    expect(verifyFrappeSignature(frappeBody, frappeSignature(frappeBody, 's3cret'), 's3cret')).toBe(true);
  });

  it('rejects a signature over re-serialised JSON, a wrong secret, a missing or malformed header', () => {
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(frappeBody.toString('utf8'))));
    expect(verifyFrappeSignature(frappeBody, frappeSignature(reserialised, 's3cret'), 's3cret')).toBe(false);
    expect(verifyFrappeSignature(frappeBody, frappeSignature(frappeBody, 'other'), 's3cret')).toBe(false);
    expect(verifyFrappeSignature(frappeBody, undefined, 's3cret')).toBe(false);
    expect(verifyFrappeSignature(frappeBody, '', 's3cret')).toBe(false);
    expect(verifyFrappeSignature(frappeBody, 'not base64 at all', 's3cret')).toBe(false);
    expect(verifyFrappeSignature(frappeBody, [frappeSignature(frappeBody, 's3cret')], 's3cret')).toBe(false);
  });
});
