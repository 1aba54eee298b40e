// @ts-check
/**
 * Clone attack: copies of one code scanned by many devices at once (a photographed QR code passed
 * around). CLONE_CODES codes, each by CLONE_DEVICES cookieless devices, racing: exactly one
 * consuming answer per code, every other device already_redeemed.
 */
import { check } from 'k6';
import exec from 'k6/execution';
import { agentOf, PHONE_AGENTS } from './lib/agents.js';
import { config } from './lib/config.js';
import { codeSlice } from './lib/pools.js';
import { requireReady } from './lib/ready.js';
import { scan } from './lib/scan.js';
import { commonOptions, sloThresholds } from './lib/slo.js';
import { submetric } from './lib/submetrics.js';
import { summaryWriter } from './lib/summary.js';
import { loadTarget } from './lib/target.js';

const target = loadTarget(config.dataDir);
const CODES = Number(__ENV.CLONE_CODES || 50);
const DEVICES = Number(__ENV.CLONE_DEVICES || 40);
const codes = codeSlice(target.pools.genuine, 0, CODES);

export const options = Object.assign({}, commonOptions, {
  scenarios: {
    // Iteration i scans code i % CODES: the devices of one code arrive together, from many VUs.
    clones: { executor: 'shared-iterations', vus: Math.min(config.maxVus, DEVICES), iterations: CODES * DEVICES, maxDuration: '5m', exec: 'clone' },
  },
  thresholds: sloThresholds({
    // Zero double-consumed codes, and none left unconsumed: exactly one consuming answer each.
    codes_redeemed: [`count==${CODES}`],
    [submetric('scans', { outcome: 'already_redeemed' })]: [`count==${CODES * (DEVICES - 1)}`],
  }),
});

export function setup() {
  requireReady(target);
}

export function clone() {
  const i = exec.scenario.iterationInTest;
  const result = scan(target.url, codes.take(i % CODES), { agent: agentOf(PHONE_AGENTS, i), jar: null });
  check(result, { 'a clone is consumed once, then already_redeemed': (r) => r.answer !== null && ['won', 'no_prize', 'held', 'already_redeemed'].includes(r.answer.outcome) && !r.answer.replay });
}

export const handleSummary = summaryWriter('clone-attack');
