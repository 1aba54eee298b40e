import { hmacSha256 } from '../crypto/hmac-sha256.js';
import { ScangateError } from '../errors.js';
import type { Secrets } from '../secrets.js';
import { CODE_LENGTH, codeMac, MAX_BATCH_ID, MAX_SERIAL, SIGNED_LENGTH, TAG_AT, writeSignedPart, writeTag } from './code-format.js';

export interface CodeSigner {
  readonly keyId: number;
  /** The code of one serial of one batch, signed with the signing key. */
  sign(batchId: number, serial: number): string;
  /** Writes the same code as CODE_LENGTH ASCII bytes at `offset` (minting writes straight into its output). */
  writeCode(batchId: number, serial: number, target: Uint8Array, offset: number): void;
}

function checkRange(what: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 0 || value > max) throw new ScangateError('GW_ERR_INTERNAL', `${what} ${value} is outside 0..${max}`);
}

/** One HMAC per code; the signed part is assembled in one reused buffer. */
export function createCodeSigner(secrets: Pick<Secrets, 'codeKeys' | 'signingKeyId'>): CodeSigner {
  const keyId = secrets.signingKeyId;
  const keyBytes = secrets.codeKeys.get(keyId);
  if (!keyBytes) throw new ScangateError('GW_ERR_SECRETS', `signing key id ${keyId} has no code key`);
  const key = hmacSha256(keyBytes);
  const signedPart = Buffer.alloc(SIGNED_LENGTH);
  const code = Buffer.alloc(CODE_LENGTH);

  function writeCode(batchId: number, serial: number, target: Uint8Array, offset: number): void {
    checkRange('batch id', batchId, MAX_BATCH_ID);
    checkRange('serial', serial, MAX_SERIAL);
    writeSignedPart(keyId, batchId, serial, signedPart, 0);
    target.set(signedPart, offset);
    writeTag(codeMac(key, signedPart), target, offset + TAG_AT);
  }

  return {
    keyId,
    writeCode,
    sign(batchId, serial) {
      writeCode(batchId, serial, code, 0);
      return code.toString('latin1');
    },
  };
}
