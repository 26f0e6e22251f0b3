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

/**
 * A Fastify `onRequest` hook guarding the admin API with the bearer ADMIN_TOKEN. It answers 401
 * without saying whether the token was missing or wrong.
 */
export function requireAdminToken(adminToken: string) {
  return async function checkAdminToken(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const token = bearerToken(request.headers.authorization);
    if (token === undefined || !secretsEqual(token, adminToken)) {
      await reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'unauthorized' });
    }
  };
}
