// @ts-check
/** The readable report handleSummary writes beside summary.json: pure, so vitest tests it. */
import { SCAN_LABELS } from './answers.js';
import { submetric } from './submetrics.js';

/** @typedef {{ type: string, values: Record<string, number>, thresholds?: Record<string, { ok: boolean }> }} SummaryMetric */
/** @typedef {{ metrics: Record<string, SummaryMetric>, state?: { testRunDurationMs: number } }} SummaryData */

/** @param {number} value @param {number} [digits] */
const fixed = (value, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : '-');

/** @param {SummaryData} data @param {string} name @param {string} stat */
function valueOf(data, name, stat) {
  const metric = data.metrics[name];
  return metric && metric.values[stat] !== undefined ? metric.values[stat] : 0;
}

/** @param {string[][]} rows */
export function table(rows) {
  const widths = (rows[0] || []).map((_, i) => Math.max(...rows.map((row) => String(row[i] || '').length)));
  return rows.map((row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] || 0) : cell.padStart(widths[i] || 0))).join('  ').trimEnd()).join('\n');
}

/**
 * Rate held, scan latency, failures, checks, outcome counts and every threshold's verdict.
 * @param {string} suite @param {SummaryData} data
 */
export function headline(suite, data) {
  const seconds = data.state ? data.state.testRunDurationMs / 1000 : 0;
  const scan = 'http_req_duration{name:scan}';
  const checks = data.metrics.checks ? data.metrics.checks.values : {};
  const lines = [
    `suite ${suite}: ${fixed(seconds)} s`,
    `requests ${valueOf(data, 'http_reqs', 'count')} (${fixed(valueOf(data, 'http_reqs', 'rate'))}/s), dropped iterations ${valueOf(data, 'dropped_iterations', 'count')}`,
    `scan latency ms: p95 ${fixed(valueOf(data, scan, 'p(95)'), 2)}, p99 ${fixed(valueOf(data, scan, 'p(99)'), 2)}, max ${fixed(valueOf(data, scan, 'max'), 2)}`,
    `failed requests ${fixed(100 * valueOf(data, 'http_req_failed', 'rate'), 3)}%, checks ${checks.passes || 0} passed / ${checks.fails || 0} failed`,
    `outcomes: ${SCAN_LABELS.map((o) => [o, valueOf(data, submetric('scans', { outcome: o }), 'count')])
      .filter(([, n]) => n !== 0)
      .map(([o, n]) => `${o} ${n}`)
      .join(', ') || 'none'}`,
    'thresholds:',
  ];
  for (const name of Object.keys(data.metrics).sort()) {
    const metric = data.metrics[name];
    for (const [expression, verdict] of Object.entries((metric && metric.thresholds) || {})) {
      if (expression === 'count>=0') continue; // listed only so the summary carries the sub-metric
      lines.push(`  ${verdict.ok ? 'ok  ' : 'FAIL'} ${name} ${expression}`);
    }
  }
  return lines.join('\n');
}
