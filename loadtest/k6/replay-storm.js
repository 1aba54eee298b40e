// @ts-check
/**
 * Replay storm: phones re-opening their URLs (a refresh, a share, a flaky network) at RATE/s.
 * setup() scans REPLAY_PHONES codes, one phone each, and keeps each phone's device cookie; the
 * storm then re-opens them over and over. Every replay must return the original prize.
 */
import { check } from 'k6';
import exec from 'k6/execution';
import { Counter } from 'k6/metrics';
import { agentOf, PHONE_AGENTS } from './lib/agents.js';
import { redeemsCode, sameDecision } from './lib/answers.js';
import { config } from './lib/config.js';
import { codeSlice } from './lib/pools.js';
import { requireReady } from './lib/ready.js';
import { scan } from './lib/scan.js';
import { commonOptions, sloThresholds } from './lib/slo.js';
import { summaryWriter } from './lib/summary.js';
import { loadTarget } from './lib/target.js';

const target = loadTarget(config.dataDir);
const PHONES = Number(__ENV.REPLAY_PHONES || 500);
const codes = codeSlice(target.pools.genuine, 0, PHONES);
/** Replays whose answer differed from the original decision: the contract says none. */
const replaysChanged = new Counter('replays_changed');

export const options = Object.assign({}, commonOptions, {
  scenarios: {
    storm: { executor: 'constant-arrival-rate', rate: config.rate, timeUnit: '1s', duration: config.hold, preAllocatedVUs: 100, maxVUs: config.maxVus, exec: 'storm' },
  },
  setupTimeout: '120s',
  thresholds: sloThresholds({ replays_changed: ['count==0'] }),
});

/** @typedef {{ code: string, agent: string, cookie: string, answer: import('./lib/answers.js').Answer }} Phone */

/** @returns {Phone[]} */
export function setup() {
  requireReady(target);
  /** @type {Phone[]} */
  const phones = [];
  for (let i = 0; i < PHONES; i++) {
    const agent = agentOf(PHONE_AGENTS, i);
    const first = scan(target.url, codes.take(i), { agent, jar: null });
    // A blocked first scan consumed nothing: re-opening it would be a new decision, not a replay.
    if (first.answer !== null && redeemsCode(first.answer) && first.cookie) phones.push({ code: codes.take(i), agent, cookie: `sgd=${first.cookie}`, answer: first.answer });
  }
  if (phones.length === 0) throw new Error('no phone consumed its code in setup: is the batch active?');
  return phones;
}

/** @param {Phone[]} phones */
export function storm(phones) {
  const phone = /** @type {Phone} */ (phones[exec.scenario.iterationInTest % phones.length]);
  const again = scan(target.url, phone.code, { agent: phone.agent, jar: null, cookie: phone.cookie });
  const same = again.answer !== null && sameDecision(phone.answer, again.answer);
  if (!same) replaysChanged.add(1);
  check(again, { 'every replay returns the original prize': () => same });
}

export const handleSummary = summaryWriter('replay-storm');
