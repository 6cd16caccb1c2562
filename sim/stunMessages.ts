import { createHmac, timingSafeEqual } from 'node:crypto';
import { crc32 } from 'node:zlib';

// STUN as ICE uses it (RFC 8489, RFC 8445): only what an ICE-lite responder needs. Written here rather than
// taken from the `stun` package, whose dependency tree (ip 1.x, parse-url 5) carries known advisories.
const MAGIC_COOKIE = 0x2112a442;
const FINGERPRINT_XOR = 0x5354554e;
export const STUN_BINDING_REQUEST = 0x0001;
export const STUN_BINDING_SUCCESS = 0x0101;
export const STUN_BINDING_ERROR = 0x0111;
export const ATTR = {
  USERNAME: 0x0006,
  MESSAGE_INTEGRITY: 0x0008,
  ERROR_CODE: 0x0009,
  XOR_MAPPED_ADDRESS: 0x0020,
  PRIORITY: 0x0024,
  USE_CANDIDATE: 0x0025,
  FINGERPRINT: 0x8028,
  ICE_CONTROLLED: 0x8029,
  ICE_CONTROLLING: 0x802a,
} as const;

export interface StunAttribute {
  type: number;
  /** Offset of the attribute's header in the message. */
  offset: number;
  value: Buffer;
}

export interface StunMessage {
  type: number;
  transactionId: Buffer;
  attributes: StunAttribute[];
  raw: Buffer;
}

/** RFC 7983 demultiplexing: a first byte of 0..3 is STUN. */
export const looksLikeStun = (packet: Buffer): boolean =>
  packet.length >= 20 && packet[0]! <= 3 && packet.readUInt32BE(4) === MAGIC_COOKIE;

export function decodeStun(packet: Buffer): StunMessage | undefined {
  if (!looksLikeStun(packet)) return undefined;
  const length = packet.readUInt16BE(2);
  if (length % 4 !== 0 || 20 + length !== packet.length) return undefined;
  const attributes: StunAttribute[] = [];
  let offset = 20;
  while (offset + 4 <= packet.length) {
    const type = packet.readUInt16BE(offset);
    const size = packet.readUInt16BE(offset + 2);
    if (offset + 4 + size > packet.length) return undefined;
    attributes.push({ type, offset, value: packet.subarray(offset + 4, offset + 4 + size) });
    offset += 4 + Math.ceil(size / 4) * 4;
  }
  return { type: packet.readUInt16BE(0), transactionId: packet.subarray(8, 20), attributes, raw: packet };
}

export const attribute = (message: StunMessage, type: number): Buffer | undefined =>
  message.attributes.find((a) => a.type === type)?.value;

/** HMAC-SHA1 over the message up to MESSAGE-INTEGRITY, its length field counting that attribute. */
function integrityOf(message: Buffer, integrityOffset: number, key: string): Buffer {
  const head = Buffer.from(message.subarray(0, integrityOffset));
  head.writeUInt16BE(integrityOffset - 20 + 24, 2);
  return createHmac('sha1', key).update(head).digest();
}

/** Short-term credentials: the key is the receiving agent's ice-pwd. */
export function hasValidIntegrity(message: StunMessage, key: string): boolean {
  const found = message.attributes.find((a) => a.type === ATTR.MESSAGE_INTEGRITY);
  if (!found || found.value.length !== 20) return false;
  return timingSafeEqual(integrityOf(message.raw, found.offset, key), found.value);
}

function attributeBytes(type: number, value: Buffer): Buffer {
  const header = Buffer.alloc(4);
  header.writeUInt16BE(type, 0);
  header.writeUInt16BE(value.length, 2);
  return Buffer.concat([header, value, Buffer.alloc((4 - (value.length % 4)) % 4)]);
}

function xorMappedAddress(address: string, port: number): Buffer {
  const value = Buffer.alloc(8);
  value.writeUInt8(0x01, 1); // IPv4
  value.writeUInt16BE(port ^ (MAGIC_COOKIE >>> 16), 2);
  const octets = address.split('.').map(Number);
  value.writeUInt32BE(
    (((octets[0]! << 24) | (octets[1]! << 16) | (octets[2]! << 8) | octets[3]!) ^ MAGIC_COOKIE) >>> 0,
    4,
  );
  return value;
}

/** Builds a response with MESSAGE-INTEGRITY (keyed with our ice-pwd) and FINGERPRINT, as ICE requires. */
function response(type: number, transactionId: Buffer, attributes: Buffer[], key: string): Buffer {
  const header = Buffer.alloc(20);
  header.writeUInt16BE(type, 0);
  header.writeUInt32BE(MAGIC_COOKIE, 4);
  transactionId.copy(header, 8);
  let message = Buffer.concat([header, ...attributes]);
  message.writeUInt16BE(message.length - 20, 2);
  message = Buffer.concat([message, attributeBytes(ATTR.MESSAGE_INTEGRITY, integrityOf(message, message.length, key))]);
  message.writeUInt16BE(message.length - 20 + 8, 2);
  const fingerprint = Buffer.alloc(4);
  fingerprint.writeUInt32BE((crc32(message) ^ FINGERPRINT_XOR) >>> 0, 0);
  return Buffer.concat([message, attributeBytes(ATTR.FINGERPRINT, fingerprint)]);
}

export function bindingSuccess(request: StunMessage, from: { address: string; port: number }, key: string): Buffer {
  return response(
    STUN_BINDING_SUCCESS,
    request.transactionId,
    [attributeBytes(ATTR.XOR_MAPPED_ADDRESS, xorMappedAddress(from.address, from.port))],
    key,
  );
}

export function bindingError(request: StunMessage, code: number, reason: string, key: string): Buffer {
  const value = Buffer.concat([Buffer.from([0, 0, Math.floor(code / 100), code % 100]), Buffer.from(reason)]);
  return response(STUN_BINDING_ERROR, request.transactionId, [attributeBytes(ATTR.ERROR_CODE, value)], key);
}

/** A well-formed FINGERPRINT, when present, must match; a message without one is accepted. */
export function hasValidFingerprint(message: StunMessage): boolean {
  const found = message.attributes.find((a) => a.type === ATTR.FINGERPRINT);
  if (!found) return true;
  const head = Buffer.from(message.raw.subarray(0, found.offset));
  head.writeUInt16BE(found.offset - 20 + 8, 2);
  return found.value.length === 4 && found.value.readUInt32BE(0) === (crc32(head) ^ FINGERPRINT_XOR) >>> 0;
}
