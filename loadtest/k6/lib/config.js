// @ts-check
/**
 * Settings from the environment (`k6 run -e NAME=value`), with defaults that suit a local
 * `npm start` on a small machine. Every suite reads them here and nowhere else.
 */

/** @param {string} name @param {number} fallback */
function numberEnv(name, fallback) {
  const raw = __ENV[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number ≥ 0, got "${raw}"`);
  return value;
}

/** @param {string} name @param {string} fallback */
const textEnv = (name, fallback) => (__ENV[name] === undefined || __ENV[name] === '' ? fallback : __ENV[name]);

export const config = Object.freeze({
  /** where `scangate loadtest prepare --out` wrote the files; k6 resolves a relative path against the script */
  dataDir: textEnv('DATA_DIR', 'data'),
  /** the fraud mix's second target: the same mix against the rules-off campaign */
  rulesOffDataDir: textEnv('DATA_DIR_RULES_OFF', 'data-rules-off'),
  /** overrides target.json's baseUrl (a remote staging URL) */
  baseUrl: textEnv('BASE_URL', ''),
  /** scans per second the open-model suites reach */
  rate: numberEnv('RATE', 300),
  /** how long peak holds its rate */
  hold: textEnv('HOLD', '1m'),
  /** the soak's length, and the fraud mix's */
  duration: textEnv('DURATION', '30m'),
  /** VUs k6 may start to keep an arrival rate (each waits for its answer) */
  maxVus: numberEnv('MAX_VUS', 200),
  /** latency SLOs of a scan, in ms */
  p95Ms: numberEnv('P95_MS', 100),
  p99Ms: numberEnv('P99_MS', 250),
  /** where handleSummary writes <suite>-summary.json and .txt: relative to the directory k6 runs in (the repo root) */
  resultsDir: textEnv('RESULTS_DIR', 'loadtest/results'),
});
