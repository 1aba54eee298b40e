import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createCodeSigner } from './code-signer.js';
import { createCodeVerifier, type InvalidCodeReason } from './code-verifier.js';
import { codeUrlPrefix } from './code-format.js';

interface Vectors {
  keys: Record<string, string>;
  retiredKeyIds: number[];
  valid: { keyId: number; batchId: number; serial: number; code: string }[];
  normalised: { input: string; code: string }[];
  invalid: { input: string; reason: InvalidCodeReason }[];
}

const vectors = JSON.parse(readFileSync(new URL('./test-vectors.json', import.meta.url), 'utf8')) as Vectors;
const codeKeys = new Map(Object.entries(vectors.keys).map(([id, hex]) => [Number(id), Buffer.from(hex, 'hex')]));
const retiredKeyIds = new Set(vectors.retiredKeyIds);
const verifier = createCodeVerifier({ codeKeys, retiredKeyIds });

describe('v1 code format: fixed test vectors', () => {
  it.each(vectors.valid)('signs key $keyId batch $batchId serial $serial as $code', ({ keyId, batchId, serial, code }) => {
    expect(createCodeSigner({ codeKeys, signingKeyId: keyId }).sign(batchId, serial)).toBe(code);
    expect(verifier.verify(code)).toEqual({ valid: true, code, keyId, batchId, serial });
  });

  it.each(vectors.normalised)('reads $input as $code', ({ input, code }) => {
    expect(verifier.verify(input)).toMatchObject({ valid: true, code });
  });

  it.each(vectors.invalid)('refuses "$input" as $reason', ({ input, reason }) => {
    expect(verifier.verify(input)).toEqual({ valid: false, reason });
  });

  it('prints URLs in upper case under /S/', () => {
    expect(codeUrlPrefix('https://scan.example.com/')).toBe('HTTPS://SCAN.EXAMPLE.COM/S/');
  });
});
