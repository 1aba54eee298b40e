// @ts-check
import { config } from './config.js';
import { headline } from './report.js';

/**
 * A suite's handleSummary: summary.json (k6's whole summary, for tools) and a readable text
 * report, under RESULTS_DIR, and the report on stdout.
 * @param {string} suite
 * @param {(data: import('./report.js').SummaryData) => string} [more] sections the suite adds (the fraud table)
 */
export function summaryWriter(suite, more) {
  /** @param {import('./report.js').SummaryData} data */
  return (data) => {
    const text = [headline(suite, data), more ? more(data) : ''].filter(Boolean).join('\n\n') + '\n';
    return {
      [`${config.resultsDir}/${suite}-summary.json`]: JSON.stringify(data, null, 1),
      [`${config.resultsDir}/${suite}-summary.txt`]: text,
      stdout: text,
    };
  };
}
