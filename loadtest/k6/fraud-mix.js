// @ts-check
/**
 * The fraud mix: labelled actors (scenarios tagged `actor`) against two targets in the same run,
 * the load-test campaign with its rules (`rules:on`, DATA_DIR) and a copy with every rule off
 * (`rules:off`, DATA_DIR_RULES_OFF). The report tells, per actor, what it obtained under each,
 * so the rules' worth is one division. Devices sit behind chosen addresses, sent as
 * X-Forwarded-For: the gateway must trust it (README "Load testing").
 *
 * Addresses are real public networks (lib/addresses.js, classified by the gateway's own
 * geolocation), chosen as each actor would plausibly come, never to make it easy to catch:
 * - legit phones are where their batch was shipped (the target's region): most behind a handful
 *   of mobile carrier-NAT addresses shared by many phones, some on other carrier addresses, a
 *   fifth on home broadband; one in 40 is a traveller on a carrier network in another province
 *   (a traveller that sends its location sends where it is: a point in its address's province);
 * - cloners and leaked-file users are on mobile carrier addresses (the careful leaker in the
 *   batch's own region, so its addresses look like the buyers'); the naive one wherever the pool
 *   starts;
 * - the farm's emulators and headless browsers run half in data centres, half on broadband lines
 *   in the batch's region (residential lines rented for the purpose);
 * - diverters are the buyers of goods resold in one other province: carrier and broadband
 *   addresses there, sending their location (a point in that province) as often as legit phones
 *   do (a third);
 * - enumerators come from data centres and broadband lines everywhere.
 * Both rule sets use the same addresses: their counters live in different campaigns.
 */
import { check, sleep } from 'k6';
import exec from 'k6/execution';
import { CookieJar } from 'k6/http';
import { agentOf, EMULATOR_AGENTS, HEADLESS_AGENTS, PHONE_AGENTS } from './lib/agents.js';
import { redeemsCode } from './lib/answers.js';
import { config } from './lib/config.js';
import { fraudReport, fraudSubmetrics, RULE_SETS } from './lib/fraud-report.js';
import { addressFrom, broadbandNetworks, hostingNetworks, mobileNetworks, networkAt, networksOf, provinceBox } from './lib/addresses.js';
import { locationInside, splitPool, typo } from './lib/pools.js';
import { requireReady, requireTrustedForwardedFor } from './lib/ready.js';
import { scan } from './lib/scan.js';
import { commonOptions, sloThresholds } from './lib/slo.js';
import { submetric } from './lib/submetrics.js';
import { summaryWriter } from './lib/summary.js';
import { loadTarget } from './lib/target.js';

const targets = { on: loadTarget(config.dataDir), off: loadTarget(config.rulesOffDataDir) };
/** Shares of each target's genuine pool; leaked codes are a pool of their own, in serial order. */
const SHARES = { legit: 0.45, cloner: 0.05, farm: 0.4, diverter: 0.1 };
const pools = { on: splitPool(targets.on.pools.genuine, SHARES), off: splitPool(targets.off.pools.genuine, SHARES) };
const leakedPools = { on: splitPool(targets.on.pools.leaked, { naive: 0.8, careful: 0.2 }), off: splitPool(targets.off.pools.leaked, { naive: 0.8, careful: 0.2 }) };

/** Arrivals per second of each actor; MIX_SCALE multiplies them all. */
const SCALE = Number(__ENV.MIX_SCALE || 1);
const CLONES_PER_CODE = 5;
/** Carrier NAT: three in five legit phones come from this many addresses of their region. */
const SHARED_ADDRESSES = 6;
/** One legit phone in this many is a traveller, in another province. */
const TRAVELLER_EVERY = 40;

/** Where the batches were shipped (both targets are prepared with the same campaign regions). */
const HOME = targets.on.region ? targets.on.region.code : 'CN-SH';
const homeMobile = networksOf(mobileNetworks, HOME);
const homeBroadband = networksOf(broadbandNetworks, HOME);
const awayMobile = networksOf(mobileNetworks, HOME, false);
/** The province the diverted goods are resold in: the first other one the pools have. */
const DIVERTED_TO = /** @type {import('./lib/addresses.js').AddressNetwork} */ (awayMobile[0]).region;
const divertedTo = networksOf(mobileNetworks, DIVERTED_TO).concat(networksOf(broadbandNetworks, DIVERTED_TO));
const enumeratorNetworks = hostingNetworks.concat(broadbandNetworks);

/**
 * @param {string} actor @param {string} rules @param {string} execName
 * @param {object} executor the executor's own settings
 */
function actorScenario(actor, rules, execName, executor) {
  return Object.assign({ exec: execName, tags: { actor, rules }, env: { RULES: rules }, startTime: '0s' }, executor);
}
/** @param {number} perSecond */
const arrivalRate = (perSecond) => ({ executor: 'constant-arrival-rate', rate: Math.max(1, Math.round(perSecond * SCALE * 10)), timeUnit: '10s', duration: config.duration, preAllocatedVUs: 20, maxVUs: config.maxVus });

/** @type {Record<string, object>} */
const scenarios = {};
for (const rules of RULE_SETS) {
  // A phone's iteration lasts up to ~20 s of pauses: its VUs are allocated up front rather than dropped arrivals.
  scenarios[`legit_${rules}`] = actorScenario('legit', rules, 'legit', Object.assign(arrivalRate(3), { preAllocatedVUs: 80 }));
  scenarios[`cloner_${rules}`] = actorScenario('cloner', rules, 'cloner', arrivalRate(0.5));
  scenarios[`enumerator_${rules}`] = actorScenario('enumerator', rules, 'enumerator', arrivalRate(30));
  scenarios[`farm_${rules}`] = actorScenario('farm', rules, 'farm', arrivalRate(20));
  scenarios[`diverter_${rules}`] = actorScenario('diverter', rules, 'diverter', arrivalRate(2));
  scenarios[`leaked_naive_${rules}`] = actorScenario('leaked_naive', rules, 'leakedNaive', Object.assign(arrivalRate(5), { maxVUs: 2, preAllocatedVUs: 2 }));
  scenarios[`leaked_careful_${rules}`] = actorScenario('leaked_careful', rules, 'leakedCareful', { executor: 'constant-vus', vus: 3, duration: config.duration });
}

export const options = Object.assign({}, commonOptions, {
  scenarios,
  setupTimeout: '60s',
  thresholds: sloThresholds(
    Object.assign(fraudSubmetrics(), {
      // The contract's fixed points: forged codes obtain nothing, and a headless farm consumes nothing with the rules on.
      [submetric('codes_redeemed', { actor: 'enumerator', rules: 'on' })]: ['count==0'],
      [submetric('codes_redeemed', { actor: 'enumerator', rules: 'off' })]: ['count==0'],
    }),
  ),
});

export function setup() {
  for (const target of [targets.on, targets.off]) {
    requireReady(target);
    requireTrustedForwardedFor(target);
  }
}

function rulesOfScenario() {
  return /** @type {'on' | 'off'} */ (__ENV.RULES);
}

/** Legit phones: one device (its cookie kept), 1–3 codes with pauses, some re-open, some share an address, some send a location, some mistype. */
export function legit() {
  const rules = rulesOfScenario();
  const target = targets[rules];
  const i = exec.scenario.iterationInTest;
  const codes = pools[rules].legit;
  const traveller = i % TRAVELLER_EVERY === TRAVELLER_EVERY - 1;
  const kind = i % 5;
  let address;
  if (traveller) address = addressFrom(awayMobile, i);
  // by blocks of five phones: i % SHARED_ADDRESSES would give one address only phones of one code count (i % 3)
  else if (kind < 3) address = addressFrom(homeMobile, Math.floor(i / 5) % SHARED_ADDRESSES);
  else if (kind === 3) address = addressFrom(homeMobile, SHARED_ADDRESSES + i);
  else address = addressFrom(homeBroadband, i);
  const phone = { agent: agentOf(PHONE_AGENTS, i), jar: new CookieJar(), address };
  const located = i % 3 === 0 && target.region !== null;
  const count = 1 + (i % 3);
  for (let n = 0; n < count; n++) {
    const code = codes.take(3 * i + n);
    if (n === 0 && i % 20 === 0) scan(target.url, typo(code), phone);
    const bbox = target.region ? target.region.bbox : [0, 0, 1, 1];
    const where = located ? locationInside(traveller ? provinceBox(networkAt(awayMobile, i).region) : bbox, i + n) : undefined;
    const first = scan(target.url, code, phone, where);
    if (i % 4 === 0 && first.answer !== null && redeemsCode(first.answer)) {
      sleep(1);
      scan(target.url, code, phone, where);
    }
    sleep(2 + (i % 5));
  }
}

/** Cloners: a real code copied to CLONES_PER_CODE devices on different addresses, racing. */
export function cloner() {
  const rules = rulesOfScenario();
  const i = exec.scenario.iterationInTest;
  const code = pools[rules].cloner.take(i);
  let consumed = 0;
  for (let d = 0; d < CLONES_PER_CODE; d++) {
    const result = scan(targets[rules].url, code, { agent: agentOf(PHONE_AGENTS, i + d), jar: null, address: addressFrom(mobileNetworks, i * CLONES_PER_CODE + d) });
    if (result.answer !== null && redeemsCode(result.answer)) consumed++;
  }
  check(consumed, { 'a cloned code is redeemed at most once': (n) => n <= 1 });
}

/** Enumerators: forged codes from thousands of addresses. */
export function enumerator() {
  const rules = rulesOfScenario();
  const target = targets[rules];
  const i = exec.scenario.iterationInTest;
  scan(target.url, /** @type {string} */ (target.pools.forged[i % target.pools.forged.length]), { agent: agentOf(PHONE_AGENTS, i), jar: null, address: addressFrom(enumeratorNetworks, i % 4096) });
}

/**
 * Device farms: cookieless, emulators and headless browsers, fast; three data-centre addresses and
 * three broadband lines in the batch's region, the last hosts of their networks (a rented line is
 * nobody's home: addressFrom(homeBroadband, slot) was also legit phone 4's address).
 */
export function farm() {
  const rules = rulesOfScenario();
  const i = exec.scenario.iterationInTest;
  const agent = i % 2 === 0 ? agentOf(EMULATOR_AGENTS, i) : agentOf(HEADLESS_AGENTS, i);
  const slot = Math.floor(i / 2) % 6;
  const address = slot < 3 ? addressFrom(hostingNetworks, slot) : addressFrom(homeBroadband, homeBroadband.length * 253 + slot - 3);
  scan(targets[rules].url, pools[rules].farm.take(i), { agent, jar: null, address });
}

/** Diverters: genuine codes bought by phones in another province (goods resold there); a third send their location there, as legit phones do. */
export function diverter() {
  const rules = rulesOfScenario();
  const target = targets[rules];
  const i = exec.scenario.iterationInTest;
  const where = i % 3 === 0 ? locationInside(provinceBox(DIVERTED_TO), i) : undefined;
  scan(target.url, pools[rules].diverter.take(i), { agent: agentOf(PHONE_AGENTS, i), jar: new CookieJar(), address: addressFrom(divertedTo, i) }, where);
}

/**
 * The device of a VU whose actor keeps one across iterations (module state is per VU): the
 * leaked-file abusers. The careful ones replace it every third scan.
 */
let deviceJar = new CookieJar();

/** Leaked-file abusers, naive: the printer file in serial order, as fast as allowed, from two devices (VUs) that keep their cookie, on two carrier addresses. */
export function leakedNaive() {
  const rules = rulesOfScenario();
  const i = exec.scenario.iterationInTest;
  const device = exec.vu.idInTest % 2;
  scan(targets[rules].url, leakedPools[rules].naive.take(i), { agent: agentOf(PHONE_AGENTS, device), jar: deviceJar, address: addressFrom(mobileNetworks, device) });
}

/** Leaked-file abusers, careful: three paced devices in serial order, a new cookie every third scan, three carrier addresses in the batch's region. */
export function leakedCareful() {
  const rules = rulesOfScenario();
  if (exec.vu.iterationInScenario % 3 === 0) deviceJar = new CookieJar();
  const slot = exec.vu.idInTest % 3;
  const i = exec.scenario.iterationInTest;
  scan(targets[rules].url, leakedPools[rules].careful.take(i), { agent: agentOf(PHONE_AGENTS, slot + 3), jar: deviceJar, address: addressFrom(homeMobile, SHARED_ADDRESSES + 1000 + slot) });
  sleep(6 + (i % 5));
}

export const handleSummary = summaryWriter('fraud-mix', fraudReport);
