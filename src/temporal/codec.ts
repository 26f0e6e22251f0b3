import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { DataConverter, Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

const ProtoPayload = temporal.api.common.v1.Payload;

/** Metadata values as Temporal's own encryption sample names them, so tools recognise them. */
export const encryptedEncoding = 'binary/encrypted';
const encodingKey = 'encoding';
const keyIdKey = 'encryption-key-id';
const ivBytes = 12;
const tagBytes = 16;

/** A payload the codec cannot open: malformed, tampered with, or sealed with a key not in the ring. */
export class PayloadDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayloadDecodeError';
  }
}

const utf8 = (text: string) => new TextEncoder().encode(text);
const text = (bytes: Uint8Array | null | undefined) => (bytes ? new TextDecoder().decode(bytes) : undefined);

/** A key's id: a fingerprint, so history names the key without revealing it and rotation needs no extra setting. */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

/**
 * Encrypts every payload (workflow inputs, results, signals, activity arguments: student data)
 * with AES-256-GCM before it reaches Temporal. The whole Payload, metadata included, is sealed,
 * so not even the encoding reveals anything; the key id travels in plain metadata so a later key
 * can still decode older history when given the older key too.
 */
export class AesGcmPayloadCodec implements PayloadCodec {
  private readonly keys: Map<string, Buffer>;
  private readonly currentKeyId: string;

  /** `keys[0]` encrypts; every key decrypts payloads that name it. */
  constructor(keys: Buffer[]) {
    if (keys.length === 0 || keys.some((key) => key.length !== 32)) throw new Error('AES-256-GCM needs 32-byte keys');
    this.keys = new Map(keys.map((key) => [keyIdOf(key), key]));
    this.currentKeyId = keyIdOf(keys[0]);
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const key = this.keys.get(this.currentKeyId)!;
    return payloads.map((payload) => {
      const iv = randomBytes(ivBytes);
      const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: tagBytes });
      const sealed = Buffer.concat([iv, cipher.update(ProtoPayload.encode(payload).finish()), cipher.final(), cipher.getAuthTag()]);
      return { metadata: { [encodingKey]: utf8(encryptedEncoding), [keyIdKey]: utf8(this.currentKeyId) }, data: sealed };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (text(payload.metadata?.[encodingKey]) !== encryptedEncoding) return payload;
      const keyId = text(payload.metadata?.[keyIdKey]);
      const key = keyId === undefined ? undefined : this.keys.get(keyId);
      if (!key) throw new PayloadDecodeError(`payload is encrypted with key ${keyId ?? '(none)'}, which this process does not have`);
      const sealed = Buffer.from(payload.data ?? new Uint8Array());
      // IV and a full 16-byte tag at least; a shorter tag would let a forger try fewer guesses.
      if (sealed.length < ivBytes + tagBytes) throw new PayloadDecodeError(`encrypted payload is ${sealed.length} bytes, shorter than IV and tag`);
      const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, ivBytes), { authTagLength: tagBytes });
      decipher.setAuthTag(sealed.subarray(sealed.length - tagBytes));
      let plain: Buffer;
      try {
        plain = Buffer.concat([decipher.update(sealed.subarray(ivBytes, sealed.length - tagBytes)), decipher.final()]);
      } catch {
        throw new PayloadDecodeError(`encrypted payload does not authenticate with key ${keyId}`);
      }
      try {
        return ProtoPayload.decode(plain);
      } catch {
        throw new PayloadDecodeError('decrypted payload is not a Temporal Payload');
      }
    });
  }
}

/** The codec for a key ring (current key first), or none when the ring is empty (encryption off). */
export function payloadCodecFor(keys: Buffer[]): AesGcmPayloadCodec | undefined {
  return keys.length > 0 ? new AesGcmPayloadCodec(keys) : undefined;
}

/**
 * Client and worker data converter: the same for both, or payloads written by one are unreadable
 * to the other. With encryption on, failure messages and stack traces are sealed as well.
 */
export function dataConverterFor(keys: Buffer[]): DataConverter | undefined {
  const codec = payloadCodecFor(keys);
  return codec ? { payloadCodecs: [codec], failureConverterPath: require.resolve('./sealed-failures') } : undefined;
}
