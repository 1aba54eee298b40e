import { describe, expect, it } from 'vitest';
import { CROCKFORD_ALPHABET, readBytes, readNumber, readSymbols, symbolReadFailure, writeBytes, writeNumber } from './crockford.js';

const symbolsOf = (text: string): Uint8Array => {
  const values = new Uint8Array(text.length);
  expect(readSymbols(text, values)).toBe(text.length);
  return values;
};

describe('crockford base32', () => {
  it('writes numbers at a fixed width and reads them back', () => {
    const target = new Uint8Array(7);
    for (const value of [0, 1, 31, 32, 1023, 2 ** 32, 2 ** 35 - 1]) {
      writeNumber(value, 7, target, 0);
      const text = Buffer.from(target).toString('latin1');
      expect(text).toHaveLength(7);
      expect(readNumber(symbolsOf(text), 0, 7)).toBe(value);
    }
    writeNumber(32, 3, target, 2);
    expect(Buffer.from(target.subarray(2, 5)).toString('latin1')).toBe('010');
  });

  it('writes 5 bytes as 8 symbols, most significant bit first, and reads them back', () => {
    const bytes = Uint8Array.from([0xff, 0x00, 0x80, 0x01, 0x7e, 0x00, 0x00, 0x00, 0x00, 0x1f]);
    const target = new Uint8Array(16);
    writeBytes(bytes, 10, target, 0);
    const text = Buffer.from(target).toString('latin1');
    expect(text).toBe('ZW0800BY0000000Z');
    const back = new Uint8Array(10);
    readBytes(symbolsOf(text), 0, 10, back);
    expect(back).toEqual(bytes);
  });

  it('folds lower case and the look-alikes O, I, L, and skips hyphens', () => {
    const values = new Uint8Array(32);
    expect(readSymbols('oO-iI-lL-abc-xyz', values)).toBe(12);
    expect(Array.from(values.subarray(0, 12), (v) => CROCKFORD_ALPHABET[v]).join('')).toBe('001111ABCXYZ');
    expect(readSymbols(CROCKFORD_ALPHABET.toLowerCase(), values)).toBe(32);
    expect(Array.from(values, (v) => CROCKFORD_ALPHABET[v]).join('')).toBe(CROCKFORD_ALPHABET);
  });

  it('reports the first problem: non-ASCII, outside the alphabet, more than fits', () => {
    const values = new Uint8Array(4);
    expect(readSymbols('AB\u00e9C', values)).toBe(symbolReadFailure.nonAscii);
    expect(readSymbols('ABU', values)).toBe(symbolReadFailure.notInAlphabet);
    expect(readSymbols('A B', values)).toBe(symbolReadFailure.notInAlphabet);
    expect(readSymbols('ABCDE', values)).toBe(symbolReadFailure.tooMany);
    expect(readSymbols('AB-CD', values)).toBe(4);
  });
});
