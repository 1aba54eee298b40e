// @ts-check
/**
 * Soak: RATE scans/s for DURATION (default 30 min): memory, the ingest's lag and Redis growth
 * show up over time, not in a minute. One phone in ten re-opens its URL and must get its
 * original decision back.
 */
import { check } from 'k6';
import exec from 'k6/execution';
import { CookieJar } from 'k6/http';
import { agentOf, PHONE_AGENTS } from './lib/agents.js';
import { decidesFreshCode, sameDecision } from './lib/answers.js';
import { config } from './lib/config.js';
import { seconds, withHeadroom } from './lib/durations.js';
import { codeSlice } from './lib/pools.js';
import { requireReady } from './lib/ready.js';
import { scan } from './lib/scan.js';
import { commonOptions, sloThresholds } from './lib/slo.js';
import { summaryWriter } from './lib/summary.js';
import { loadTarget } from './lib/target.js';

const target = loadTarget(config.dataDir);
const REOPEN_EVERY = 10;
const codes = codeSlice(target.pools.genuine, 0, withHeadroom(config.rate * seconds(config.duration)));

export const options = Object.assign({}, commonOptions, {
  scenarios: {
    soak: { executor: 'constant-arrival-rate', rate: config.rate, timeUnit: '1s', duration: config.duration, preAllocatedVUs: 100, maxVUs: config.maxVus, exec: 'soak' },
  },
  thresholds: sloThresholds(),
});

export function setup() {
  requireReady(target);
}

export function soak() {
  const i = exec.scenario.iterationInTest;
  const phone = { agent: agentOf(PHONE_AGENTS, i), jar: new CookieJar() };
  const first = scan(target.url, codes.take(i), phone);
  check(first, { 'a fresh code is decided': (r) => r.answer !== null && decidesFreshCode(r.answer) });
  if (i % REOPEN_EVERY !== 0 || first.answer === null || first.answer.outcome === 'blocked') return;
  const original = first.answer;
  const again = scan(target.url, codes.take(i), phone);
  check(again, { 'a re-opened URL answers the original decision': (r) => r.answer !== null && sameDecision(original, r.answer) });
}

export const handleSummary = summaryWriter('soak');
