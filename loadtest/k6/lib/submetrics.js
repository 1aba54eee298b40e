// @ts-check
/** Sub-metric names and the thresholds that make k6 report them: pure (the report reads the same names). */

/**
 * The name k6 gives a sub-metric: `metric{tag:value,...}`. Thresholds are declared and the
 * summary is read with this one spelling, so they always agree.
 * @param {string} metric @param {Record<string, string>} tags
 */
export const submetric = (metric, tags) => `${metric}{${Object.entries(tags).map(([k, v]) => `${k}:${v}`).join(',')}}`;

/**
 * k6 hands handleSummary only the sub-metrics that have thresholds, so every count the report
 * shows gets one that holds for any count; the contract's real limits are set by each suite.
 * @param {string} metric @param {Record<string, string>[]} tagSets
 * @returns {Record<string, string[]>}
 */
export function reported(metric, tagSets) {
  return Object.fromEntries(tagSets.map((tags) => [submetric(metric, tags), ['count>=0']]));
}
