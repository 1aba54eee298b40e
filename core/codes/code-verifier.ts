import { timingSafeEqual } from 'node:crypto';
import { hmacSha256, type KeyedHmac } from '../crypto/hmac-sha256.js';
import type { Secrets } from '../secrets.js';
import {
  batchIdOf,
  CODE_LENGTH,
  CODE_VERSION,
  codeMac,
  keyIdOf,
  serialOf,
  SIGNED_LENGTH,
  TAG_AT,
  TAG_BYTES,
  versionOf,
} from './code-format.js';
import { readBytes, readSymbols, symbolBytes, symbolReadFailure } from './crockford.js';

export const invalidCodeReasons = [
  'empty',
  'too_short',
  'too_long',
  'non_ascii',
  'bad_alphabet',
  'bad_version',
  'unknown_key',
  'retired_key',
  'bad_tag',
] as const;

export type InvalidCodeReason = (typeof invalidCodeReasons)[number];

export type VerifyResult =
  | { readonly valid: true; /** canonical spelling */ readonly code: string; readonly keyId: number; readonly batchId: number; readonly serial: number }
  | { readonly valid: false; readonly reason: InvalidCodeReason };

export interface CodeVerifier {
  verify(raw: string): VerifyResult;
  /** The BATCH field of a code laid out as v1, whatever its MAC (for counting forged codes per campaign); else undefined. */
  claimedBatchId(raw: string): number | undefined;
}

/** Room for readability hyphens; anything longer is refused before it is even scanned. */
const MAX_RAW_LENGTH = CODE_LENGTH + 15;

const invalid = Object.fromEntries(invalidCodeReasons.map((reason) => [reason, Object.freeze({ valid: false, reason })])) as {
  readonly [R in InvalidCodeReason]: { readonly valid: false; readonly reason: R };
};

const readFailureReason: Record<number, InvalidCodeReason> = {
  [symbolReadFailure.nonAscii]: 'non_ascii',
  [symbolReadFailure.notInAlphabet]: 'bad_alphabet',
  [symbolReadFailure.tooMany]: 'too_long',
};

/**
 * Everything that can be refused without a key is refused first (length, alphabet, version, key
 * id): garbage costs a table scan, not an HMAC. Buffers are reused, so a verifier is for one
 * thread; invalid results are shared frozen objects.
 */
export function createCodeVerifier(secrets: Pick<Secrets, 'codeKeys' | 'retiredKeyIds'>): CodeVerifier {
  const keys = new Map<number, KeyedHmac>([...secrets.codeKeys].map(([id, key]) => [id, hmacSha256(key)]));
  const values = new Uint8Array(CODE_LENGTH);
  const canonical = Buffer.alloc(CODE_LENGTH);
  const signedPart = canonical.subarray(0, SIGNED_LENGTH);
  const givenTag = Buffer.alloc(TAG_BYTES);
  const expectedTag = Buffer.alloc(TAG_BYTES);

  return {
    verify(raw) {
      if (raw.length === 0) return invalid.empty;
      if (raw.length < CODE_LENGTH) return invalid.too_short;
      if (raw.length > MAX_RAW_LENGTH) return invalid.too_long;
      const count = readSymbols(raw, values);
      if (count < 0) return invalid[readFailureReason[count] as InvalidCodeReason];
      if (count < CODE_LENGTH) return invalid.too_short;
      if (versionOf(values) !== CODE_VERSION) return invalid.bad_version;
      const keyId = keyIdOf(values);
      if (secrets.retiredKeyIds.has(keyId)) return invalid.retired_key;
      const key = keys.get(keyId);
      if (!key) return invalid.unknown_key;

      for (let i = 0; i < CODE_LENGTH; i++) canonical[i] = symbolBytes[values[i] as number] as number;
      expectedTag.set(codeMac(key, signedPart).subarray(0, TAG_BYTES));
      readBytes(values, TAG_AT, TAG_BYTES, givenTag);
      if (!timingSafeEqual(givenTag, expectedTag)) return invalid.bad_tag;
      return { valid: true, code: canonical.toString('latin1'), keyId, batchId: batchIdOf(values), serial: serialOf(values) };
    },
    claimedBatchId(raw) {
      if (raw.length < CODE_LENGTH || raw.length > MAX_RAW_LENGTH) return undefined;
      return readSymbols(raw, values) === CODE_LENGTH && versionOf(values) === CODE_VERSION ? batchIdOf(values) : undefined;
    },
  };
}
