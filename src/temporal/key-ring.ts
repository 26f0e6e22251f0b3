import type { TemporalEnv } from '../config/env';

/**
 * The payload keys, current first: PAYLOAD_ENCRYPTION_KEYS (the ring) or the older one-key
 * PAYLOAD_ENCRYPTION_KEY as a ring of one. Empty when encryption is off. The environment schema
 * has already checked each is base64 of 32 bytes.
 */
export function payloadKeyRing(config: Pick<TemporalEnv, 'PAYLOAD_ENCRYPTION_KEYS' | 'PAYLOAD_ENCRYPTION_KEY'>): Buffer[] {
  const encoded = config.PAYLOAD_ENCRYPTION_KEYS ?? (config.PAYLOAD_ENCRYPTION_KEY ? [config.PAYLOAD_ENCRYPTION_KEY] : []);
  return encoded.map((key) => Buffer.from(key, 'base64'));
}
