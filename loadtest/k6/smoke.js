// @ts-check
/**
 * Smoke: seconds long, one phone at a time, every outcome's contract checked once. Run it first
 * against any target: if it fails, the other suites would only measure a broken stack.
 */
import { check } from 'k6';
import http, { CookieJar } from 'k6/http';
import { agentOf, PHONE_AGENTS } from './lib/agents.js';
import { sameDecision } from './lib/answers.js';
import { config } from './lib/config.js';
import { codeSlice, locationFarFrom, locationInside } from './lib/pools.js';
import { requireReady } from './lib/ready.js';
import { scan } from './lib/scan.js';
import { commonOptions, sloThresholds } from './lib/slo.js';
import { submetric } from './lib/submetrics.js';
import { summaryWriter } from './lib/summary.js';
import { loadTarget } from './lib/target.js';

const target = loadTarget(config.dataDir);
/** perConsumerPerDay of config/campaigns/loadtest.json: the phone's sixth code is refused */
const PER_DAY = 5;
const codes = codeSlice(target.pools.genuine, 0, PER_DAY + 4);
const UNSCANNED = PER_DAY + 3;

export const options = Object.assign({}, commonOptions, {
  scenarios: { smoke: { executor: 'shared-iterations', vus: 1, iterations: 1, maxDuration: '1m' } },
  thresholds: sloThresholds({
    checks: ['rate==1'],
    [submetric('scans', { outcome: 'error' })]: ['count==0'],
    [submetric('scans', { outcome: 'invalid' })]: ['count==1'],
    [submetric('scans', { outcome: 'already_redeemed' })]: ['count==1'],
    [submetric('scans', { outcome: 'limit_reached' })]: ['count==1'],
  }),
});

export function setup() {
  requireReady(target);
}

export default function () {
  const phone = { agent: agentOf(PHONE_AGENTS, 0), jar: new CookieJar() };
  const first = scan(target.url, codes.take(0), phone);
  check(first.answer, { 'a fresh code is won, no_prize or held': (a) => a !== null && ['won', 'no_prize', 'held'].includes(a.outcome) && !a.replay });

  const again = scan(target.url, codes.take(0), phone);
  check(again.answer, { 'the same phone gets the original decision back': (a) => a !== null && first.answer !== null && sameDecision(first.answer, a) });

  const other = scan(target.url, codes.take(0), { agent: agentOf(PHONE_AGENTS, 1), jar: null });
  check(other.answer, { 'another device gets already_redeemed, without the prize': (a) => a !== null && a.outcome === 'already_redeemed' && a.prize === null && typeof a.firstScannedAt === 'string' });

  const forged = scan(target.url, String(target.pools.forged[0]), phone);
  check(forged, { 'a forged code is 404 invalid': (r) => r.status === 404 && r.label === 'invalid' });

  const bot = scan(target.url, codes.take(1), { agent: 'k6', jar: null });
  check(bot.answer, { "k6's own agent is blocked and the code stays fresh": (a) => a !== null && a.outcome === 'blocked' && String(a.reasons).includes('headless_agent') });

  const bbox = target.region ? target.region.bbox : [0, 0, 1, 1];
  const inside = scan(target.url, codes.take(1), phone, locationInside(bbox, 1));
  check(inside.answer, { 'a located scan in the batch region is decided': (a) => a !== null && ['won', 'no_prize', 'held'].includes(a.outcome) });

  const far = scan(target.url, codes.take(2), phone, locationFarFrom(bbox, 2));
  check(far.answer, { 'a scan far from the batch region is decided': (a) => a !== null && ['won', 'no_prize', 'held', 'blocked'].includes(a.outcome) });

  // A scan the rules block consumes nothing, so the limit is met after PER_DAY consuming answers, not scans.
  let overLimit = '';
  for (let i = 3; i < UNSCANNED && overLimit !== 'limit_reached'; i++) overLimit = scan(target.url, codes.take(i), phone).label;
  check(overLimit, { 'a phone past perConsumerPerDay gets limit_reached': (label) => label === 'limit_reached' });

  const badJson = http.post(`${target.url}/v1/scans`, '{', { headers: { 'Content-Type': 'application/json', 'User-Agent': phone.agent }, tags: { name: 'refusal' }, responseCallback: http.expectedStatuses(400) });
  check(badJson, { 'bad JSON is 400 GW_ERR_BAD_JSON': (r) => r.status === 400 && r.json('error') === 'GW_ERR_BAD_JSON' });
  const head = http.request('HEAD', `${target.url}/S/${codes.take(UNSCANNED)}`, null, { tags: { name: 'refusal' }, responseCallback: http.expectedStatuses(405) });
  check(head, { 'HEAD on a scan URL is 405 and decides nothing': (r) => r.status === 405 && r.headers.Allow === 'GET' });
}

export const handleSummary = summaryWriter('smoke');
