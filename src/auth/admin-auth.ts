import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Compares two secrets in constant time. Both sides are hashed first so the comparison takes
 * the same time whatever their lengths (timingSafeEqual itself throws on a length mismatch).
 */
function secretsEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** Reads `Authorization: Bearer <token>`; anything else counts as no token. */
function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

/** True when the request carries `Authorization: Bearer <one of accepted>`. */
export function hasBearerToken(request: FastifyRequest, accepted: readonly string[]): boolean {
  const token = bearerToken(request.headers.authorization);
  // Every candidate is compared, so the time taken does not say which one (if any) matched.
  return token !== undefined && accepted.map((expected) => secretsEqual(token, expected)).includes(true);
}

/** True when `given` is one of `accepted`, compared in constant time (for tokens outside the header). */
export function isOneOf(given: string, accepted: readonly string[]): boolean {
  return accepted.map((expected) => secretsEqual(given, expected)).includes(true);
}

export async function refuse(reply: FastifyReply): Promise<void> {
  await reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'unauthorized' });
}

/**
 * A Fastify `onRequest` hook guarding a route set with bearer tokens (the admin API: ADMIN_TOKEN).
 * It answers 401 without saying whether the token was missing or wrong, before the body is read.
 */
export function requireBearerToken(accepted: readonly string[]) {
  return async function checkBearerToken(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (!hasBearerToken(request, accepted)) await refuse(reply);
  };
}

export const requireAdminToken = (adminToken: string) => requireBearerToken([adminToken]);
