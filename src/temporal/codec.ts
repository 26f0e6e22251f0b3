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
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const sealed = Buffer.concat([iv, cipher.update(ProtoPayload.encode(payload).finish()), cipher.final(), cipher.getAuthTag()]);
      return { metadata: { [encodingKey]: utf8(encryptedEncoding), [keyIdKey]: utf8(this.currentKeyId) }, data: sealed };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (text(payload.metadata?.[encodingKey]) !== encryptedEncoding) return payload;
      const keyId = text(payload.metadata?.[keyIdKey]);
      const key = keyId === undefined ? undefined : this.keys.get(keyId);
      if (!key) throw new Error(`payload is encrypted with key ${keyId ?? '(none)'}, which this process does not have`);
      const sealed = Buffer.from(payload.data ?? new Uint8Array());
      const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, ivBytes));
      decipher.setAuthTag(sealed.subarray(sealed.length - tagBytes));
      const plain = Buffer.concat([decipher.update(sealed.subarray(ivBytes, sealed.length - tagBytes)), decipher.final()]);
      return ProtoPayload.decode(plain);
    });
  }
}

/** The codec for PAYLOAD_ENCRYPTION_KEY (base64, 32 bytes), or none when it is unset. */
export function payloadCodecFor(base64Key: string | undefined): AesGcmPayloadCodec | undefined {
  return base64Key ? new AesGcmPayloadCodec([Buffer.from(base64Key, 'base64')]) : undefined;
}

/** Client and worker data converter: the same for both, or payloads written by one are unreadable to the other. */
export function dataConverterFor(base64Key: string | undefined): DataConverter | undefined {
  const codec = payloadCodecFor(base64Key);
  return codec ? { payloadCodecs: [codec] } : undefined;
}
