import { hmacSha256, type KeyedHmac } from '../core/crypto/hmac-sha256.js';

/** 48 bits of the MAC make the uniform fraction: exact in a double, and no modulo bias. */
const FRACTION_BYTES = 6;
const FRACTION_SCALE = 2 ** (FRACTION_BYTES * 8);

/**
 * The prize draw for one code: HMAC-SHA-256(drawKey, code) read as a fraction in [0, 1) and
 * mapped onto the cumulative weights. The same code always draws the same tier, so a retry or a
 * re-scan can never re-roll; without the draw key nobody can tell which printed codes win.
 * `weights` are the tiers' weights followed by the no-prize weight. Returns the tier index, or
 * -1 when the no-prize slot is drawn. A weight of 0 is never drawn.
 */
export function drawTier(drawKey: Buffer, code: string, weights: readonly number[]): number {
  const mac = keyedFor(drawKey).digest(code);
  let fraction = 0;
  for (let i = 0; i < FRACTION_BYTES; i++) fraction = fraction * 256 + (mac[i] as number);
  return slotAt(fraction / FRACTION_SCALE, weights);
}

/** A campaign's draw key is one Buffer for the life of the process (secrets caches it): its pads are hashed once. */
const keyedByKey = new WeakMap<Buffer, KeyedHmac>();

function keyedFor(drawKey: Buffer): KeyedHmac {
  let keyed = keyedByKey.get(drawKey);
  if (keyed === undefined) keyedByKey.set(drawKey, (keyed = hmacSha256(drawKey)));
  return keyed;
}

/** The slot whose share of the cumulative weights contains `fraction` (0 <= fraction < 1). */
function slotAt(fraction: number, weights: readonly number[]): number {
  let total = 0;
  for (const weight of weights) total += weight;
  const target = fraction * total;
  const noPrize = weights.length - 1;
  let cumulative = 0;
  for (let slot = 0; slot < noPrize; slot++) {
    cumulative += weights[slot] as number;
    // Strictly below: a zero-weight slot adds nothing, so the slot before it already took the target.
    if (target < cumulative) return slot;
  }
  return -1;
}
