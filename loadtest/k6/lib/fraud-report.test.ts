import { describe, expect, it } from 'vitest';
import { actorFigures, fraudReport, fraudSubmetrics } from './fraud-report.js';
import { headline, type SummaryData } from './report.js';
import { submetric } from './submetrics.js';

function summary(counts: Record<string, number>): SummaryData {
  const metrics: SummaryData['metrics'] = {};
  for (const [name, count] of Object.entries(counts)) metrics[name] = { type: 'counter', values: { count, rate: 0 } };
  return { metrics, state: { testRunDurationMs: 60_000 } };
}
const scans = (actor: string, rules: string, outcome: string) => submetric('scans', { outcome, actor, rules });

describe('the fraud mix report', () => {
  it('asks k6 for every count it reads', () => {
    const wanted = Object.keys(fraudSubmetrics());
    expect(wanted).toContain(scans('leaked_careful', 'off', 'rate_limited'));
    expect(wanted).toContain(submetric('prize_value', { actor: 'farm', rules: 'on' }));
    expect(wanted).toContain(submetric('codes_redeemed', { actor: 'legit', rules: 'off' }));
  });

  it("counts a legit phone's held, blocked and refused scans, leaving its typos out", () => {
    const data = summary({
      [scans('legit', 'on', 'won')]: 90,
      [scans('legit', 'on', 'held')]: 4,
      [scans('legit', 'on', 'limit_reached')]: 1,
      [scans('legit', 'on', 'unavailable')]: 5,
      [scans('legit', 'on', 'invalid')]: 7,
      [submetric('codes_redeemed', { actor: 'legit', rules: 'on' })]: 94,
      [submetric('prize_value', { actor: 'legit', rules: 'on' })]: 1234.5,
    });
    expect(actorFigures(data, 'legit', 'on')).toMatchObject({ scans: 107, codesRedeemed: 94, prizeValue: 1234.5, heldBlockedRefused: 0.1 });
  });

  it("divides the attackers' take with rules on by their take with rules off", () => {
    const data = summary({
      [submetric('codes_redeemed', { actor: 'farm', rules: 'on' })]: 10,
      [submetric('codes_held', { actor: 'farm', rules: 'on' })]: 6,
      [submetric('codes_redeemed', { actor: 'farm', rules: 'off' })]: 400,
      [submetric('codes_redeemed', { actor: 'diverter', rules: 'off' })]: 100,
      [submetric('prize_value', { actor: 'farm', rules: 'on' })]: 50,
      [submetric('prize_value', { actor: 'farm', rules: 'off' })]: 5000,
      [submetric('prize_value', { actor: 'legit', rules: 'on' })]: 99999,
    });
    const report = fraudReport(data);
    // kept: what is left if review rejects the held ones (10 - 6)
    expect(report).toMatch(/farm +10 \/ 400 = 2\.5% +4 \/ 400 = 1\.0% +50\.00 \/ 5000\.00 = 1\.0%/);
    expect(report).toMatch(/all attackers +10 \/ 500 = 2\.0% +4 \/ 500 = 0\.8% +50\.00 \/ 5000\.00 = 1\.0%/);
    expect(report).toMatch(/enumerator +0 \/ 0 = -/);
  });

  it('headline shows rate, latency, failures, checks and failed thresholds, not the reporting ones', () => {
    const data: SummaryData = {
      metrics: {
        http_reqs: { type: 'counter', values: { count: 6000, rate: 100 } },
        'http_req_duration{name:scan}': { type: 'trend', values: { 'p(95)': 12.5, 'p(99)': 40, max: 90 }, thresholds: { 'p(95)<100': { ok: true }, 'p(99)<20': { ok: false } } },
        checks: { type: 'rate', values: { passes: 10, fails: 1, rate: 0.9 } },
        [submetric('scans', { outcome: 'won' })]: { type: 'counter', values: { count: 42 }, thresholds: { 'count>=0': { ok: true } } },
      },
      state: { testRunDurationMs: 60_000 },
    };
    const text = headline('peak', data);
    expect(text).toMatch(/requests 6000 \(100\.0\/s\)/);
    expect(text).toMatch(/p95 12\.50, p99 40\.00/);
    expect(text).toMatch(/checks 10 passed \/ 1 failed/);
    expect(text).toMatch(/outcomes: won 42/);
    expect(text).toMatch(/FAIL http_req_duration\{name:scan\} p\(99\)<20/);
    expect(text).not.toMatch(/count>=0/);
  });
});
