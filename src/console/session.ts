import { createHmac, randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { hasBearerToken, isOneOf } from '../auth/admin-auth';

/**
 * Who is using the console: a browser that logged in with the admin token (a session cookie), or
 * a client that sends `Authorization: Bearer <ADMIN_TOKEN>` on every request.
 *
 * The cookie holds no secret and no server state: `<issued ms>.<nonce>.<mac>`, the mac an HMAC
 * keyed with ADMIN_TOKEN, so any gateway replica accepts it and rotating the token ends every
 * session. It is HttpOnly (no script reads it) and SameSite=Strict (no other site's page makes
 * the browser send it). Forms also carry a token derived from the session's nonce, which a page
 * on another origin cannot read: the second defence against cross-site form posts.
 */
export type ConsoleOperator = { via: 'bearer' } | { via: 'cookie'; csrfToken: string };

export const sessionCookie = 'campus_bridge_console';
/** A working day; then the operator logs in again. */
export const sessionLifetimeMs = 8 * 3_600_000;

const mac = (adminToken: string, purpose: string, value: string) => createHmac('sha256', adminToken).update(`${purpose}:${value}`).digest('base64url');

const csrfTokenFor = (adminToken: string, nonce: string) => mac(adminToken, 'csrf', nonce);

/** A new session's cookie value. */
export function newSession(adminToken: string, now = Date.now()): string {
  const body = `${now}.${randomBytes(18).toString('base64url')}`;
  return `${body}.${mac(adminToken, 'session', body)}`;
}

/** The session a cookie value stands for, if its mac is right (compared in constant time) and it has not expired. */
export function readSession(adminToken: string, value: string | undefined, now = Date.now()): ConsoleOperator | undefined {
  const match = /^(\d{1,15})\.([\w-]{16,64})\.([\w-]{43})$/.exec(value ?? '');
  if (!match) return undefined;
  const [, issued, nonce, given] = match;
  if (!isOneOf(given, [mac(adminToken, 'session', `${issued}.${nonce}`)])) return undefined;
  const age = now - Number(issued);
  if (age < 0 || age > sessionLifetimeMs) return undefined;
  return { via: 'cookie', csrfToken: csrfTokenFor(adminToken, nonce) };
}

/** One cookie's value from the Cookie header (names are ours, values base64url: no quoting to undo). */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The operator behind a request, or undefined when it carries neither the bearer token nor a valid session. */
export function operatorOf(request: FastifyRequest, adminToken: string): ConsoleOperator | undefined {
  if (hasBearerToken(request, [adminToken])) return { via: 'bearer' };
  return readSession(adminToken, cookieValue(request.headers.cookie, sessionCookie));
}

/**
 * True when a form post may act: bearer clients are never sent credentials by a browser on
 * its own, so they cannot be forged across sites; cookie sessions must echo their form token.
 */
export function formTokenValid(operator: ConsoleOperator, given: unknown): boolean {
  if (operator.via === 'bearer') return true;
  return typeof given === 'string' && isOneOf(given, [operator.csrfToken]);
}

/** `Secure` only over HTTPS: a loopback operator listener on plain HTTP must still be able to log in. */
function cookieAttributes(request: FastifyRequest, maxAgeSeconds: number): string {
  return `Path=/console; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${request.protocol === 'https' ? '; Secure' : ''}`;
}

export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, value: string): void {
  reply.header('set-cookie', `${sessionCookie}=${value}; ${cookieAttributes(request, sessionLifetimeMs / 1000)}`);
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  reply.header('set-cookie', `${sessionCookie}=; ${cookieAttributes(request, 0)}`);
}
