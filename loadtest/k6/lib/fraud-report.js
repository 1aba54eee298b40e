// @ts-check
/**
 * The fraud mix's report: per actor and rule set, scans by outcome, codes redeemed (draws
 * taken: the low-variance measure), of them held (waiting for the fraud team's review), prize
 * value obtained (won + held), the legit phones' share held / blocked / refused, and what the
 * rules save (attackers' take with rules on ÷ off: codes redeemed, and codes kept if review
 * rejects every held one).
 * Pure (no k6 import), so vitest tests it.
 */
import { SCAN_LABELS } from './answers.js';
import { table } from './report.js';
import { reported, submetric } from './submetrics.js';

export const ACTORS = ['legit', 'cloner', 'enumerator', 'farm', 'diverter', 'leaked_naive', 'leaked_careful'];
export const RULE_SETS = ['on', 'off'];
/** Outcomes that mean a legit phone did not simply get its draw. */
const LEGIT_BAD = ['held', 'blocked', 'limit_reached', 'rate_limited', 'unavailable', 'error'];
const SHOWN = ['won', 'no_prize', 'held', 'blocked', 'already_redeemed', 'limit_reached', 'invalid', 'rate_limited'];

/** @param {string} actor @param {string} rules */
const tagsOf = (actor, rules) => ({ actor, rules });

/** The thresholds that make k6 hand every count of the report to handleSummary. @returns {Record<string, string[]>} */
export function fraudSubmetrics() {
  /** @type {Record<string, string>[]} */
  const pairs = [];
  /** @type {Record<string, string>[]} */
  const withOutcomes = [];
  for (const actor of ACTORS) {
    for (const rules of RULE_SETS) {
      pairs.push(tagsOf(actor, rules));
      for (const outcome of SCAN_LABELS) withOutcomes.push(Object.assign({ outcome }, tagsOf(actor, rules)));
    }
  }
  return Object.assign(
    reported('scans', withOutcomes),
    reported('codes_redeemed', pairs),
    reported('codes_held', pairs),
    reported('prize_value', pairs),
  );
}

/**
 * One row's numbers.
 * @param {import('./report.js').SummaryData} data @param {string} actor @param {string} rules
 */
export function actorFigures(data, actor, rules) {
  /** @param {string} name */
  const count = (name) => {
    const metric = data.metrics[name];
    return metric && metric.values.count !== undefined ? metric.values.count : 0;
  };
  /** @type {Record<string, number>} */
  const outcomes = {};
  /** @param {string} outcome */
  const scansOf = (outcome) => count(submetric('scans', Object.assign({ outcome }, tagsOf(actor, rules))));
  let scans = 0;
  for (const outcome of SCAN_LABELS) {
    outcomes[outcome] = scansOf(outcome);
    scans += scansOf(outcome);
  }
  // Typos are the phone's own mistake, answered correctly: they are not scans the rules judged.
  const judged = scans - scansOf('invalid');
  const bad = LEGIT_BAD.reduce((sum, outcome) => sum + scansOf(outcome), 0);
  return {
    scans,
    outcomes,
    codesRedeemed: count(submetric('codes_redeemed', tagsOf(actor, rules))),
    codesHeld: count(submetric('codes_held', tagsOf(actor, rules))),
    prizeValue: count(submetric('prize_value', tagsOf(actor, rules))),
    heldBlockedRefused: judged > 0 ? bad / judged : 0,
  };
}

/** @param {number} on @param {number} off */
const ratio = (on, off) => (off > 0 ? `${(100 * on / off).toFixed(1)}%` : on > 0 ? 'n/a (off: 0)' : '-');

/** @param {import('./report.js').SummaryData} data */
export function fraudReport(data) {
  const rows = [['actor', 'rules', 'scans', ...SHOWN, 'redeemed', 'of them held', 'value CNY']];
  for (const actor of ACTORS) {
    for (const rules of RULE_SETS) {
      const f = actorFigures(data, actor, rules);
      rows.push([actor, rules, String(f.scans), ...SHOWN.map((o) => String(f.outcomes[o] || 0)), String(f.codesRedeemed), String(f.codesHeld), f.prizeValue.toFixed(2)]);
    }
  }
  const attackers = ACTORS.filter((a) => a !== 'legit');
  /** @param {string} rules */
  const take = (rules) => attackers.reduce((sum, a) => {
    const f = actorFigures(data, a, rules);
    return { codes: sum.codes + f.codesRedeemed, kept: sum.kept + f.codesRedeemed - f.codesHeld, value: sum.value + f.prizeValue };
  }, { codes: 0, kept: 0, value: 0 });
  const on = take('on');
  const off = take('off');
  const saved = [['attackers', 'codes redeemed on / off', 'kept if held ones are rejected, on / off', 'prize value on / off']];
  for (const actor of attackers) {
    const a = actorFigures(data, actor, 'on');
    const b = actorFigures(data, actor, 'off');
    const keptOn = a.codesRedeemed - a.codesHeld;
    saved.push([actor, `${a.codesRedeemed} / ${b.codesRedeemed} = ${ratio(a.codesRedeemed, b.codesRedeemed)}`, `${keptOn} / ${b.codesRedeemed} = ${ratio(keptOn, b.codesRedeemed)}`, `${a.prizeValue.toFixed(2)} / ${b.prizeValue.toFixed(2)} = ${ratio(a.prizeValue, b.prizeValue)}`]);
  }
  saved.push(['all attackers', `${on.codes} / ${off.codes} = ${ratio(on.codes, off.codes)}`, `${on.kept} / ${off.codes} = ${ratio(on.kept, off.codes)}`, `${on.value.toFixed(2)} / ${off.value.toFixed(2)} = ${ratio(on.value, off.value)}`]);
  const legitOn = actorFigures(data, 'legit', 'on');
  const legitOff = actorFigures(data, 'legit', 'off');
  return [
    'fraud mix: scans by outcome, codes redeemed (draws taken) and prize value obtained (won + held), per actor',
    table(rows),
    '',
    'what the rules save (targets: attackers ≤ 1% of rules-off, legit held/blocked/refused ≤ 0.5%)',
    table(saved),
    `legit scans held, blocked or refused: rules on ${(100 * legitOn.heldBlockedRefused).toFixed(2)}%, rules off ${(100 * legitOff.heldBlockedRefused).toFixed(2)}%`,
  ].join('\n');
}
