// @ts-check
/**
 * Device farm: many cookieless devices on few addresses (run with `--local-ips 127.0.0.2-127.0.0.5`),
 * fast, emulators that pass for phones and headless browsers that say what they are. Headless
 * agents are blocked and consume nothing; what emulators get is reported per outcome (the
 * fraud rules' job, measured by the fraud mix).
 */
import { check } from 'k6';
import exec from 'k6/execution';
import { agentOf, EMULATOR_AGENTS, HEADLESS_AGENTS } from './lib/agents.js';
import { decidesFreshCode } from './lib/answers.js';
import { config } from './lib/config.js';
import { seconds, withHeadroom } from './lib/durations.js';
import { splitPool } from './lib/pools.js';
import { requireReady } from './lib/ready.js';
import { scan } from './lib/scan.js';
import { commonOptions, outcomeCounts, sloThresholds } from './lib/slo.js';
import { reported, submetric } from './lib/submetrics.js';
import { summaryWriter } from './lib/summary.js';
import { loadTarget } from './lib/target.js';

const target = loadTarget(config.dataDir);
const pools = splitPool(target.pools.genuine, { emulator: 0.5, headless: 0.5 });
const perScenario = withHeadroom((config.rate / 2) * seconds(config.hold));
if (perScenario > pools.emulator.count) throw new Error(`device farm needs ${2 * perScenario} codes: prepare more with --codes`);

const arrival = { executor: 'constant-arrival-rate', rate: Math.max(1, Math.round(config.rate / 2)), timeUnit: '1s', duration: config.hold, preAllocatedVUs: 50, maxVUs: config.maxVus };
export const options = Object.assign({}, commonOptions, {
  scenarios: {
    emulators: Object.assign({ exec: 'emulator', tags: { agent: 'emulator' } }, arrival),
    headless: Object.assign({ exec: 'headless', tags: { agent: 'headless' } }, arrival),
  },
  thresholds: sloThresholds(
    Object.assign(outcomeCounts({ agent: 'emulator' }), outcomeCounts({ agent: 'headless' }), reported('codes_redeemed', [{ agent: 'emulator' }]), {
      [submetric('codes_redeemed', { agent: 'headless' })]: ['count==0'],
    }),
  ),
});

export function setup() {
  requireReady(target);
}

export function emulator() {
  const i = exec.scenario.iterationInTest;
  const result = scan(target.url, pools.emulator.take(i), { agent: agentOf(EMULATOR_AGENTS, i), jar: null });
  check(result, { 'an emulator scan is decided': (r) => r.answer !== null && decidesFreshCode(r.answer) });
}

export function headless() {
  const i = exec.scenario.iterationInTest;
  const result = scan(target.url, pools.headless.take(i), { agent: agentOf(HEADLESS_AGENTS, i), jar: null });
  check(result, { 'a headless agent is blocked': (r) => r.answer !== null && r.answer.outcome === 'blocked' });
}

export const handleSummary = summaryWriter('device-farm');
