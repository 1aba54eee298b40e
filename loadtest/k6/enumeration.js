// @ts-check
/**
 * Enumeration: forged codes from many source addresses, beside genuine phones on the same
 * addresses. Run with `--local-ips 127.0.0.2-127.0.0.250` against 127.0.0.1 (loopback accepts any
 * 127/8 source): each VU gets one address. Forged codes get 404 until the host or /24 budget is
 * spent, then 429 with Retry-After; genuine codes are always decided, never refused.
 */
import { check } from 'k6';
import exec from 'k6/execution';
import { agentOf, PHONE_AGENTS } from './lib/agents.js';
import { decidesFreshCode } from './lib/answers.js';
import { config } from './lib/config.js';
import { seconds, withHeadroom } from './lib/durations.js';
import { codeSlice } from './lib/pools.js';
import { requireReady } from './lib/ready.js';
import { scan } from './lib/scan.js';
import { commonOptions, outcomeCounts, sloThresholds } from './lib/slo.js';
import { submetric } from './lib/submetrics.js';
import { summaryWriter } from './lib/summary.js';
import { loadTarget } from './lib/target.js';

const target = loadTarget(config.dataDir);
const GENUINE_RATE = Number(__ENV.GENUINE_RATE || 20);
const genuine = codeSlice(target.pools.genuine, 0, withHeadroom(GENUINE_RATE * seconds(config.hold)));
const forged = target.pools.forged;

const arrival = { executor: 'constant-arrival-rate', timeUnit: '1s', duration: config.hold, preAllocatedVUs: 100, maxVUs: config.maxVus };
export const options = Object.assign({}, commonOptions, {
  scenarios: {
    enumerators: Object.assign({ rate: config.rate, exec: 'enumerate', tags: { kind: 'forged' } }, arrival),
    phones: Object.assign({ rate: GENUINE_RATE, exec: 'phone', tags: { kind: 'genuine' } }, arrival),
  },
  thresholds: sloThresholds(
    Object.assign(outcomeCounts({ kind: 'forged' }), outcomeCounts({ kind: 'genuine' }), {
      [submetric('scans', { kind: 'forged', outcome: 'invalid' })]: ['count>0'],
      [submetric('scans', { kind: 'forged', outcome: 'rate_limited' })]: ['count>0'],
      [submetric('scans', { kind: 'genuine', outcome: 'rate_limited' })]: ['count==0'],
    }),
  ),
});

export function setup() {
  requireReady(target);
  if (forged.length === 0) throw new Error('forged.json is empty: prepare with --forged');
}

export function enumerate() {
  const i = exec.scenario.iterationInTest;
  const result = scan(target.url, /** @type {string} */ (forged[i % forged.length]), { agent: agentOf(PHONE_AGENTS, i), jar: null });
  check(result, { 'a forged code is 404 invalid or 429': (r) => r.label === 'invalid' || r.label === 'rate_limited' });
}

export function phone() {
  const i = exec.scenario.iterationInTest;
  const result = scan(target.url, genuine.take(i), { agent: agentOf(PHONE_AGENTS, i), jar: null });
  check(result, { 'a genuine code is decided beside the flood': (r) => r.answer !== null && decidesFreshCode(r.answer) });
}

export const handleSummary = summaryWriter('enumeration');
