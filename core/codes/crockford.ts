/**
 * Crockford base32 (https://www.crockford.com/base32.html): digits and upper-case letters without
 * I, L, O, U, so every symbol is in the QR alphanumeric set and reads unambiguously. Decoding folds
 * lower case and the look-alikes O→0, I/L→1, and skips hyphens, as Crockford defines.
 * Codes are handled as arrays of 5-bit symbol values, so the hot path allocates no strings.
 */
export const CROCKFORD_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** ASCII byte of each symbol value. */
export const symbolBytes = Uint8Array.from(CROCKFORD_ALPHABET, (c) => c.charCodeAt(0));

const HYPHEN = 0x2d;
const NOT_A_SYMBOL = -1;

/** Symbol value of each ASCII character, or NOT_A_SYMBOL. */
const symbolValues = (() => {
  const table = new Int8Array(128).fill(NOT_A_SYMBOL);
  symbolBytes.forEach((byte, value) => {
    table[byte] = value;
    table[String.fromCharCode(byte).toLowerCase().charCodeAt(0)] = value;
  });
  for (const [lookAlike, canonical] of [['O', '0'], ['I', '1'], ['L', '1']] as const) {
    const value = table[canonical.charCodeAt(0)] as number;
    table[lookAlike.charCodeAt(0)] = value;
    table[lookAlike.toLowerCase().charCodeAt(0)] = value;
  }
  return table;
})();

/** Why readSymbols stopped; every failure is negative, so a count is never mistaken for one. */
export const symbolReadFailure = { nonAscii: -1, notInAlphabet: -2, tooMany: -3 } as const;

/**
 * Reads the symbols of `text` into `values` (normalising as above) and returns how many were read,
 * or a symbolReadFailure. Stops at the first problem; never reads more than values.length symbols.
 */
export function readSymbols(text: string, values: Uint8Array): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (char > 0x7f) return symbolReadFailure.nonAscii;
    if (char === HYPHEN) continue;
    const value = symbolValues[char] as number;
    if (value === NOT_A_SYMBOL) return symbolReadFailure.notInAlphabet;
    if (count === values.length) return symbolReadFailure.tooMany;
    values[count++] = value;
  }
  return count;
}

/** Writes `value` as exactly `width` symbols (big-endian, zero-padded) as ASCII bytes. */
export function writeNumber(value: number, width: number, target: Uint8Array, offset: number): void {
  let rest = value;
  for (let i = offset + width - 1; i >= offset; i--) {
    target[i] = symbolBytes[rest % 32] as number;
    rest = Math.floor(rest / 32);
  }
}

/** The number held by `width` symbol values starting at `start` (values up to 2^53). */
export function readNumber(values: Uint8Array, start: number, width: number): number {
  let value = 0;
  for (let i = start; i < start + width; i++) value = value * 32 + (values[i] as number);
  return value;
}

/** Writes `byteCount` bytes (a multiple of 5) as 8 symbols per 5 bytes, as ASCII bytes. */
export function writeBytes(bytes: Uint8Array, byteCount: number, target: Uint8Array, offset: number): void {
  let out = offset;
  for (let i = 0; i < byteCount; i += 5) {
    // 40 bits fit a double exactly; bit operators would truncate them to 32.
    let group = 0;
    for (let j = 0; j < 5; j++) group = group * 256 + (bytes[i + j] as number);
    writeNumber(group, 8, target, out);
    out += 8;
  }
}

/** Reads `byteCount` bytes (a multiple of 5) from 8 symbol values per 5 bytes, into `target`. */
export function readBytes(values: Uint8Array, start: number, byteCount: number, target: Uint8Array): void {
  for (let i = 0; i < byteCount; i += 5) {
    let group = readNumber(values, start + (i / 5) * 8, 8);
    for (let j = 4; j >= 0; j--) {
      target[i + j] = group % 256;
      group = Math.floor(group / 256);
    }
  }
}
