import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CODE_LENGTH, MAX_BATCH_ID, MAX_SERIAL } from './code-format.js';
import { createCodeSigner } from './code-signer.js';
import { createCodeVerifier } from './code-verifier.js';
import { CROCKFORD_ALPHABET } from './crockford.js';

const key = () => randomBytes(32);
const keyA = key();
const keyB = key();

/** Rotation in progress: codes signed with key 1 and key 2 both verify; key 0 was retired. */
const verifier = createCodeVerifier({ codeKeys: new Map([[1, keyA], [2, keyB]]), retiredKeyIds: new Set([0]) });
const signerA = createCodeSigner({ codeKeys: new Map([[1, keyA]]), signingKeyId: 1 });
const signerB = createCodeSigner({ codeKeys: new Map([[2, keyB]]), signingKeyId: 2 });

describe('code signer and verifier', () => {
  it('round-trips many codes under every active key', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const batchId = (i * 7919) % (MAX_BATCH_ID + 1);
      const serial = (i * 104_729_123) % (MAX_SERIAL + 1);
      const signer = i % 2 === 0 ? signerA : signerB;
      const code = signer.sign(batchId, serial);
      expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{30}$/);
      expect(verifier.verify(code)).toEqual({ valid: true, code, keyId: signer.keyId, batchId, serial });
      seen.add(code);
    }
    expect(seen.size).toBe(2000);
  });

  it('writes the same code into a buffer as it returns as a string', () => {
    const target = Buffer.alloc(CODE_LENGTH + 4, '-');
    signerA.writeCode(42, 7, target, 2);
    expect(target.toString('latin1', 2, 2 + CODE_LENGTH)).toBe(signerA.sign(42, 7));
    expect(target.toString('latin1', 0, 2)).toBe('--');
  });

  it('refuses every single-symbol change of a valid code', () => {
    const code = signerA.sign(123, 456_789);
    let tried = 0;
    for (let at = 0; at < CODE_LENGTH; at++) {
      for (const symbol of CROCKFORD_ALPHABET) {
        if (symbol === code[at]) continue;
        const changed = code.slice(0, at) + symbol + code.slice(at + 1);
        const result = verifier.verify(changed);
        expect(result.valid, changed).toBe(false);
        tried++;
      }
    }
    expect(tried).toBe(CODE_LENGTH * 31);
  });

  it('names the reason: wrong key, retired key, wrong version, truncated, over-long, non-ASCII, empty', () => {
    const code = signerA.sign(5, 5);
    const wrongKey = createCodeSigner({ codeKeys: new Map([[1, key()]]), signingKeyId: 1 }).sign(5, 5);
    const retired = createCodeSigner({ codeKeys: new Map([[0, keyA]]), signingKeyId: 0 }).sign(5, 5);
    const unknown = createCodeSigner({ codeKeys: new Map([[9, keyA]]), signingKeyId: 9 }).sign(5, 5);
    const reasonOf = (raw: string) => {
      const result = verifier.verify(raw);
      return result.valid ? 'valid' : result.reason;
    };
    expect(reasonOf(wrongKey)).toBe('bad_tag');
    expect(reasonOf(retired)).toBe('retired_key');
    expect(reasonOf(unknown)).toBe('unknown_key');
    expect(reasonOf(`2${code.slice(1)}`)).toBe('bad_version');
    expect(reasonOf(code.slice(0, -1))).toBe('too_short');
    expect(reasonOf(`${code}0`)).toBe('too_long');
    expect(reasonOf(code.repeat(100))).toBe('too_long');
    expect(reasonOf(`${code.slice(0, 10)}\u0430${code.slice(11)}`)).toBe('non_ascii');
    expect(reasonOf(`${code.slice(0, 10)}*${code.slice(11)}`)).toBe('bad_alphabet');
    expect(reasonOf(`${code.slice(0, 10)} ${code.slice(11)}`)).toBe('bad_alphabet');
    expect(reasonOf('')).toBe('empty');
    expect(reasonOf('-'.repeat(CODE_LENGTH))).toBe('too_short');
  });

  it('normalises lower case, look-alikes and hyphens to the canonical code', () => {
    const code = signerB.sign(1, 1_000_000);
    const lower = code.toLowerCase().replaceAll('0', 'o').replaceAll('1', 'l');
    const grouped = code.match(/.{1,5}/g)?.join('-') ?? '';
    expect(verifier.verify(lower)).toMatchObject({ valid: true, code });
    expect(verifier.verify(grouped)).toMatchObject({ valid: true, code });
  });

  it('refuses to sign outside the layout', () => {
    expect(() => signerA.sign(MAX_BATCH_ID + 1, 0)).toThrow(/batch id/);
    expect(() => signerA.sign(1, MAX_SERIAL + 1)).toThrow(/serial/);
    expect(() => signerA.sign(1, 1.5)).toThrow(/serial/);
  });
});
