// @ts-check
import { SCAN_LABELS } from './answers.js';
import { config } from './config.js';
import { reported } from './submetrics.js';

/** @param {Record<string, string>} [tags] the scenario tags the per-outcome counts are split by */
export const outcomeCounts = (tags = {}) => reported('scans', SCAN_LABELS.map((outcome) => Object.assign({}, tags, { outcome })));

/**
 * The SLOs every suite holds: transport failures, scan latency, checks, and the arrival rate kept:
 * iterations dropped for lack of a free VU stay under 0.5% of RATE (k6 grows its VU pool in steps,
 * so a ramp drops a few; a stack that cannot keep up drops many).
 * @param {Record<string, string[]>} [extra] the suite's business thresholds
 * @returns {Record<string, string[]>}
 */
export function sloThresholds(extra = {}) {
  const slos = {
    http_req_failed: ['rate<0.01'],
    'http_req_duration{name:scan}': [`p(95)<${config.p95Ms}`, `p(99)<${config.p99Ms}`],
    checks: ['rate>0.99'],
    dropped_iterations: [`rate<${Math.max(1, config.rate * 0.005)}`],
  };
  return Object.assign(slos, outcomeCounts(), extra);
}

/** Options every suite shares: percentiles for the report, and no per-code `url` tag (metric cardinality). */
export const commonOptions = {
  summaryTrendStats: ['avg', 'med', 'p(90)', 'p(95)', 'p(99)', 'max'],
  systemTags: ['status', 'method', 'name', 'scenario', 'check', 'error_code', 'expected_response'],
};
