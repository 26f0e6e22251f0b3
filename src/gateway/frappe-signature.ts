import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header Frappe puts its webhook signature in (erpnext.md §3). */
export const frappeSignatureHeader = 'x-frappe-webhook-signature';

/**
 * Frappe's webhook signature: base64(HMAC-SHA256(secret, body)). Frappe signs the exact bytes it
 * sends (`json.dumps(data)`), so callers must pass the raw body, never re-serialised JSON.
 */
export function frappeSignature(rawBody: Buffer | string, secret: string): string {
  return createHmac('sha256', secret).update(rawBody).digest('base64');
}

/** Checks a signature header against the raw body in constant time. */
export function verifyFrappeSignature(rawBody: Buffer, header: string | string[] | undefined, secret: string): boolean {
  if (typeof header !== 'string' || header.length === 0) return false;
  const expected = Buffer.from(frappeSignature(rawBody, secret), 'base64');
  const given = Buffer.from(header.trim(), 'base64');
  // Length is public (always 32 bytes for SHA-256), so checking it first leaks nothing.
  return given.length === expected.length && timingSafeEqual(given, expected);
}
