// @ts-check
import { check } from 'k6';
import exec from 'k6/execution';
import { agentOf, PHONE_AGENTS } from './agents.js';
import { decidesFreshCode } from './answers.js';
import { scan } from './scan.js';

/**
 * The capacity suites' iteration: a new phone scans the next unused code of its scenario's slice.
 * "A fresh code is decided, never refused" is the business check; with `allowUnavailable` a 503
 * (with Retry-After, checked by scan()) is accepted too: shedding load is allowed in a spike,
 * a wrong answer never is.
 * @param {{ url: string }} target
 * @param {{ take(i: number): string }} codes
 * @param {{ allowUnavailable?: boolean }} [options]
 */
export function scanFreshCode(target, codes, options = {}) {
  const i = exec.scenario.iterationInTest;
  const result = scan(target.url, codes.take(i), { agent: agentOf(PHONE_AGENTS, i), jar: null });
  check(result, {
    'a fresh code is decided': (r) => (r.answer !== null && decidesFreshCode(r.answer)) || (options.allowUnavailable === true && r.label === 'unavailable'),
  });
  return result;
}
