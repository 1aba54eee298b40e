// @ts-check
/** Sizing an open-model scenario: pure (vitest tests it), so a suite knows how many codes it takes before it starts. */

/** Arrivals over a ramping-arrival-rate stage list (linear ramps): the codes the scenario takes. @param {number} startRate @param {{ target: number, duration: string }[]} stages */
export function arrivals(startRate, stages) {
  let rate = startRate;
  let total = 0;
  for (const stage of stages) {
    total += ((rate + stage.target) / 2) * seconds(stage.duration);
    rate = stage.target;
  }
  return Math.ceil(total);
}

/** k6 durations such as "90s", "2m", "1h30m" in seconds. @param {string} duration */
export function seconds(duration) {
  const units = { h: 3600, m: 60, s: 1 };
  let total = 0;
  const parts = duration.match(/\d+(?:\.\d+)?[hms]/g) || [];
  if (parts.join('') !== duration) throw new Error(`unsupported duration "${duration}": use h, m and s (e.g. 1m30s)`);
  for (const part of parts) total += Number(part.slice(0, -1)) * units[/** @type {'h' | 'm' | 's'} */ (part.slice(-1))];
  return total;
}

/** k6 may start an iteration or two past a scenario's nominal arrivals: codes to set aside for `n`. @param {number} n */
export const withHeadroom = (n) => Math.ceil(n * 1.01) + 10;
