// @ts-check
/**
 * Spike: 0 → RATE in 10 s (a TV spot), hold, drop. Answers stay correct throughout; a 503 is
 * allowed only with Retry-After (shedding, not failing), and p95 / p99 hold over the whole spike.
 */
import { config } from './lib/config.js';
import { arrivals, withHeadroom } from './lib/durations.js';
import { scanFreshCode } from './lib/fresh.js';
import { codeSlice } from './lib/pools.js';
import { requireReady } from './lib/ready.js';
import { commonOptions, sloThresholds } from './lib/slo.js';
import { submetric } from './lib/submetrics.js';
import { summaryWriter } from './lib/summary.js';
import { loadTarget } from './lib/target.js';

const target = loadTarget(config.dataDir);
const stages = [
  { target: config.rate, duration: '10s' },
  { target: config.rate, duration: '30s' },
  { target: 0, duration: '10s' },
];
const codes = codeSlice(target.pools.genuine, 0, withHeadroom(arrivals(0, stages)));

export const options = Object.assign({}, commonOptions, {
  scenarios: {
    spike: { executor: 'ramping-arrival-rate', startRate: 0, timeUnit: '1s', preAllocatedVUs: 100, maxVUs: config.maxVus, stages, exec: 'spike' },
  },
  thresholds: sloThresholds({ [submetric('scans', { outcome: 'error' })]: ['count==0'] }),
});

export function setup() {
  requireReady(target);
}

export function spike() {
  scanFreshCode(target, codes, { allowUnavailable: true });
}

export const handleSummary = summaryWriter('spike');
