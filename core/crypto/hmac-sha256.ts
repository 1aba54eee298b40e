import { createHash } from 'node:crypto';

/**
 * HMAC-SHA-256 (RFC 2104, FIPS 180-4) for the hot path's short messages: a code's signed part
 * (14 bytes), a device id (22), a code (30). node:crypto's createHmac costs ≈ 3 µs a call here,
 * almost all of it creating the OpenSSL context and hashing the key's two pad blocks again; this
 * hashes them once per key and then costs two SHA-256 compressions for a message under 56 bytes,
 * ≈ 0.6 µs, allocating nothing. Results are bit-identical to createHmac (hmac-sha256.test.ts
 * checks RFC 4231's vectors and random keys and messages against it). Only 32-bit adds, shifts
 * and xors on the data: no branch or table index depends on the key (or on a message's bytes,
 * beyond whether a string is ASCII).
 */
export interface KeyedHmac {
  /**
   * The 32-byte MAC of `message` (bytes, or a string taken as UTF-8) written into `out` (default:
   * a buffer owned by this key, overwritten by its next call), which is returned.
   */
  digest(message: Uint8Array | string, out?: Uint8Array): Uint8Array;
}

export const HMAC_SHA256_BYTES = 32;
const BLOCK_BYTES = 64;
const BLOCK_WORDS = 16;
const STATE_WORDS = 8;
/** FIPS 180-4 §5.3.3 */
const INITIAL_STATE = Int32Array.from([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
/** FIPS 180-4 §4.2.2 */
const ROUND_CONSTANTS = Int32Array.from([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74,
  0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d,
  0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e,
  0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5,
  0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

// Scratch shared by every key: JavaScript runs one call at a time per thread.
const schedule = new Int32Array(64);
const block = new Int32Array(BLOCK_WORDS);
const running = new Int32Array(STATE_WORDS);
const innerDigest = new Int32Array(STATE_WORDS);
const encoder = new TextEncoder();

const rotr = (x: number, n: number): number => (x >>> n) | (x << (32 - n));

/** One SHA-256 compression of `block` into `state` (in place). */
function compress(state: Int32Array, words: Int32Array): void {
  for (let i = 0; i < BLOCK_WORDS; i++) schedule[i] = words[i] as number;
  for (let i = 16; i < 64; i++) {
    const w15 = schedule[i - 15] as number;
    const w2 = schedule[i - 2] as number;
    const s0 = rotr(w15, 7) ^ rotr(w15, 18) ^ (w15 >>> 3);
    const s1 = rotr(w2, 17) ^ rotr(w2, 19) ^ (w2 >>> 10);
    schedule[i] = ((schedule[i - 16] as number) + s0 + (schedule[i - 7] as number) + s1) | 0;
  }
  let a = state[0] as number, b = state[1] as number, c = state[2] as number, d = state[3] as number;
  let e = state[4] as number, f = state[5] as number, g = state[6] as number, h = state[7] as number;
  for (let i = 0; i < 64; i++) {
    const t1 = (h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + (ROUND_CONSTANTS[i] as number) + (schedule[i] as number)) | 0;
    const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  state[0] = ((state[0] as number) + a) | 0;
  state[1] = ((state[1] as number) + b) | 0;
  state[2] = ((state[2] as number) + c) | 0;
  state[3] = ((state[3] as number) + d) | 0;
  state[4] = ((state[4] as number) + e) | 0;
  state[5] = ((state[5] as number) + f) | 0;
  state[6] = ((state[6] as number) + g) | 0;
  state[7] = ((state[7] as number) + h) | 0;
}

/**
 * Hashes `message` (bytes, or a string of ASCII characters) into `state`, which has already
 * absorbed `prefixBytes` bytes (whole blocks), then the padding: state becomes SHA-256(prefix ‖ message).
 */
function finish(state: Int32Array, prefixBytes: number, message: Uint8Array | string): void {
  const length = message.length;
  let filled = 0;
  block.fill(0);
  for (let i = 0; i < length; i++) {
    const byte = typeof message === 'string' ? message.charCodeAt(i) : (message[i] as number);
    block[filled >> 2] = (block[filled >> 2] as number) | (byte << (24 - 8 * (filled & 3)));
    if (++filled === BLOCK_BYTES) {
      compress(state, block);
      block.fill(0);
      filled = 0;
    }
  }
  block[filled >> 2] = (block[filled >> 2] as number) | (0x80 << (24 - 8 * (filled & 3)));
  // No room left for the 8-byte length: it goes in a block of its own.
  if (filled >= BLOCK_BYTES - 8) {
    compress(state, block);
    block.fill(0);
  }
  const bits = (prefixBytes + length) * 8;
  block[14] = Math.floor(bits / 2 ** 32) | 0;
  block[15] = bits | 0;
  compress(state, block);
}

/** The state after one block of the key xor `pad`. */
function padState(key: Uint8Array, pad: number): Int32Array {
  const state = Int32Array.from(INITIAL_STATE);
  const words = new Int32Array(BLOCK_WORDS);
  for (let i = 0; i < BLOCK_BYTES; i++) words[i >> 2] = (words[i >> 2] as number) | (((key[i] ?? 0) ^ pad) << (24 - 8 * (i & 3)));
  compress(state, words);
  return state;
}

const isAscii = (text: string): boolean => {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
};

/** HMAC-SHA-256 under `key` (any length; longer than a block is hashed first, as RFC 2104 says). */
export function hmacSha256(key: Uint8Array): KeyedHmac {
  const blockKey = key.length > BLOCK_BYTES ? createHash('sha256').update(key).digest() : key;
  const innerStart = padState(blockKey, 0x36);
  const outerStart = padState(blockKey, 0x5c);
  const ownOut = new Uint8Array(HMAC_SHA256_BYTES);

  return {
    digest(message, out = ownOut) {
      // A non-ASCII string is hashed as its UTF-8 bytes, as createHmac().update(string) does.
      const bytes = typeof message === 'string' && !isAscii(message) ? encoder.encode(message) : message;
      running.set(innerStart);
      finish(running, BLOCK_BYTES, bytes);
      innerDigest.set(running);
      running.set(outerStart);
      // The inner digest as the outer message: 32 bytes, read back from its words.
      block.fill(0);
      block.set(innerDigest);
      block[8] = 0x80 << 24;
      block[15] = (BLOCK_BYTES + HMAC_SHA256_BYTES) * 8;
      compress(running, block);
      for (let i = 0; i < STATE_WORDS; i++) {
        const word = running[i] as number;
        out[i * 4] = word >>> 24;
        out[i * 4 + 1] = (word >>> 16) & 0xff;
        out[i * 4 + 2] = (word >>> 8) & 0xff;
        out[i * 4 + 3] = word & 0xff;
      }
      return out;
    },
  };
}
