// @ts-check
/**
 * Peak: the open model a campaign's launch produces. Arrivals ramp to RATE scans/s and hold it
 * for HOLD; each arrival is a new phone scanning an unused code. Held when no iteration is
 * dropped, latency is inside the SLOs, and every fresh code is decided.
 */
import { config } from './lib/config.js';
import { arrivals, withHeadroom } from './lib/durations.js';
import { scanFreshCode } from './lib/fresh.js';
import { codeSlice } from './lib/pools.js';
import { requireReady } from './lib/ready.js';
import { commonOptions, sloThresholds } from './lib/slo.js';
import { summaryWriter } from './lib/summary.js';
import { loadTarget } from './lib/target.js';

const target = loadTarget(config.dataDir);
const stages = [
  { target: config.rate, duration: '30s' },
  { target: config.rate, duration: config.hold },
];
const codes = codeSlice(target.pools.genuine, 0, withHeadroom(arrivals(0, stages)));

export const options = Object.assign({}, commonOptions, {
  scenarios: {
    peak: { executor: 'ramping-arrival-rate', startRate: 0, timeUnit: '1s', preAllocatedVUs: 100, maxVUs: config.maxVus, stages, exec: 'peak' },
  },
  thresholds: sloThresholds(),
});

export function setup() {
  requireReady(target);
}

export function peak() {
  scanFreshCode(target, codes);
}

export const handleSummary = summaryWriter('peak');
