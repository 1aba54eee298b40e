import type { KeyedHmac } from '../crypto/hmac-sha256.js';
import { readNumber, writeBytes, writeNumber } from './crockford.js';

/**
 * The v1 code layout (ARCHITECTURE.md), 30 Crockford symbols:
 *   V(1) K(1) BATCH(5) SERIAL(7) TAG(16)
 * version, key id (0–31), batch id (25 bits), serial within the batch (35 bits), and the first
 * 80 bits of HMAC-SHA-256(key[K], the 14 leading symbols as ASCII). Every field fills its symbols
 * exactly, so each code has one canonical spelling.
 */
export const CODE_VERSION = 1;
export const CODE_LENGTH = 30;
/** The symbols the tag signs: everything before it. */
export const SIGNED_LENGTH = 14;
export const TAG_BYTES = 10;

export const MAX_KEY_ID = 31;
export const MAX_BATCH_ID = 2 ** 25 - 1;
export const MAX_SERIAL = 2 ** 35 - 1;

const VERSION_AT = 0;
const KEY_AT = 1;
const BATCH_AT = 2;
const BATCH_WIDTH = 5;
const SERIAL_AT = 7;
const SERIAL_WIDTH = 7;
export const TAG_AT = SIGNED_LENGTH;

/** Writes the signed part (SIGNED_LENGTH ASCII bytes) of a code at `offset`. */
export function writeSignedPart(keyId: number, batchId: number, serial: number, target: Uint8Array, offset: number): void {
  writeNumber(CODE_VERSION, 1, target, offset + VERSION_AT);
  writeNumber(keyId, 1, target, offset + KEY_AT);
  writeNumber(batchId, BATCH_WIDTH, target, offset + BATCH_AT);
  writeNumber(serial, SERIAL_WIDTH, target, offset + SERIAL_AT);
}

/** HMAC-SHA-256 of the signed part (the key's buffer, valid until its next call); the tag is its first TAG_BYTES bytes. */
export function codeMac(key: KeyedHmac, signedPart: Uint8Array): Uint8Array {
  return key.digest(signedPart);
}

/** Writes the tag (CODE_LENGTH - SIGNED_LENGTH ASCII bytes) taken from `mac` at `offset`. */
export function writeTag(mac: Uint8Array, target: Uint8Array, offset: number): void {
  writeBytes(mac, TAG_BYTES, target, offset);
}

/** Fields of a code held as symbol values (see crockford.readSymbols). */
export const versionOf = (values: Uint8Array): number => values[VERSION_AT] as number;
export const keyIdOf = (values: Uint8Array): number => values[KEY_AT] as number;
export const batchIdOf = (values: Uint8Array): number => readNumber(values, BATCH_AT, BATCH_WIDTH);
export const serialOf = (values: Uint8Array): number => readNumber(values, SERIAL_AT, SERIAL_WIDTH);

/** The URL printed in the QR: upper case throughout, so the whole URL fits QR alphanumeric mode. */
export function codeUrlPrefix(publicUrl: string): string {
  return `${publicUrl.replace(/\/+$/, '').toUpperCase()}/S/`;
}
