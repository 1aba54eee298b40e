// @ts-check
/** Pure helpers that hand out codes, locations and addresses (no k6 import: vitest tests them). */

/**
 * Codes a scenario may use: a slice of the pool, so scenarios of one run never share a code.
 * Running out is an error, never a silent reuse (a reused code is a replay or a clone).
 * @param {ArrayLike<string>} codes @param {number} from @param {number} count
 */
export function codeSlice(codes, from, count) {
  if (from + count > codes.length) throw new Error(`need codes ${from}..${from + count - 1}, the pool holds ${codes.length}: prepare more with --codes`);
  return {
    count,
    /** @param {number} i */
    take(i) {
      if (i >= count) throw new Error(`a slice of ${count} codes ran out at ${i}: prepare more codes, or lower RATE / DURATION`);
      return /** @type {string} */ (codes[from + i]);
    },
  };
}

/**
 * Splits a pool into consecutive named slices by share (shares are fractions of the pool).
 * @template {string} K
 * @param {ArrayLike<string>} codes @param {Record<K, number>} shares
 * @returns {Record<K, ReturnType<typeof codeSlice>>}
 */
export function splitPool(codes, shares) {
  /** @type {Record<string, ReturnType<typeof codeSlice>>} */
  const slices = {};
  let from = 0;
  for (const [name, share] of Object.entries(shares)) {
    const count = Math.floor(codes.length * /** @type {number} */ (share));
    slices[name] = codeSlice(codes, from, count);
    from += count;
  }
  return /** @type {Record<K, ReturnType<typeof codeSlice>>} */ (slices);
}

/**
 * A location inside a [minLon, minLat, maxLon, maxLat] box, spread by `n`.
 * @param {readonly number[]} bbox @param {number} n @returns {{ lat: number, lon: number }}
 */
export function locationInside(bbox, n) {
  const [minLon, minLat, maxLon, maxLat] = /** @type {[number, number, number, number]} */ (bbox);
  const u = ((n * 0.618034) % 1 + 1) % 1;
  const v = ((n * 0.414214) % 1 + 1) % 1;
  return { lat: minLat + (maxLat - minLat) * (0.1 + 0.8 * v), lon: minLon + (maxLon - minLon) * (0.1 + 0.8 * u) };
}

/**
 * A location far outside the box (about 20 degrees east and south: another province or country).
 * @param {readonly number[]} bbox @param {number} n
 */
export function locationFarFrom(bbox, n) {
  const inside = locationInside(bbox, n);
  return { lat: Math.max(-89, inside.lat - 20), lon: Math.min(179, inside.lon + 20) };
}

/**
 * A phone's typo: one character of the code replaced by its neighbour in the alphabet. The
 * signature no longer matches, so the answer is `invalid`.
 * @param {string} code
 */
export function typo(code) {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  const at = 20;
  const next = alphabet[(alphabet.indexOf(code.charAt(at)) + 1) % alphabet.length];
  return code.slice(0, at) + next + code.slice(at + 1);
}
