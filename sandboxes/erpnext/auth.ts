import { timingSafeEqual } from 'node:crypto';
import { FrappeException } from './frappe-errors';

/**
 * Frappe's `validate_auth`: `Authorization: token <key>:<secret>` or `Basic base64(<key>:<secret>)`.
 * A two-part header that does not authenticate is an AuthenticationError (401, no message); no
 * header at all leaves the request as Guest. Each API key belongs to one user with its roles.
 */
export interface Session {
  user: string;
  /** Administrator holds every role; Guest none. */
  roles: readonly string[] | 'all';
}

export interface ApiUser {
  user: string;
  apiKey: string;
  apiSecret: string;
  roles: readonly string[] | 'all';
}

export const guest: Session = { user: 'Guest', roles: [] };

const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

export function authenticate(header: string | undefined, users: readonly ApiUser[]): Session {
  const parts = (header ?? '').split(' ');
  if (parts.length !== 2) return guest;
  const [scheme, value] = parts;
  let pair: string | undefined;
  if (scheme.toLowerCase() === 'token') pair = value;
  else if (scheme.toLowerCase() === 'basic') {
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value)) throw new FrappeException('InvalidAuthorizationToken', 400, ['Failed to decode token, please provide a valid base64-encoded token.']);
    pair = Buffer.from(value, 'base64').toString('utf8');
  }
  const [key, secret] = (pair ?? '').split(':');
  const match = key !== undefined && secret !== undefined ? users.find((u) => same(key, u.apiKey) && same(secret, u.apiSecret)) : undefined;
  if (match) return { user: match.user, roles: match.roles };
  throw new FrappeException('AuthenticationError', 401, []);
}
