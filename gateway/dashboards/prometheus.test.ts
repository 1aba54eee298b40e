import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoPath } from '../../core/paths.js';
import { eventStream } from '../../core/redis/stream-discovery.js';
import { appendScanEvents } from '../../core/testing/scan-event-fixtures.js';
import type { RunningGateway } from '../main.js';
import { createGatewayHarness, testCampaign, type GatewayHarness, type TestBatch } from '../testing/gateway-harness.js';
import { scanJson } from '../testing/scan-client.js';
import { alertRules, alertRulesFile, dashboardFiles, panelQueries, readDashboard, variables, type Json } from './testing/dashboard-files.js';
import { interpolatePromql } from './testing/grafana-interpolation.js';
import { prometheusTool, runPromtool, startPrometheus, type QueryData, type RunningPrometheus } from './testing/prometheus-server.js';

/**
 * Every PromQL expression of dashboards/ (the gateway dashboard's panels and variables, the alert
 * rules) evaluated by a real Prometheus scraping a real gateway (with its ingest) after a few
 * scans: no error, the result type Grafana expects, and a series for each. promtool checks the
 * rule file. Needs Debian's `prometheus` package (.ci/run installs it); without it this fails
 * and says how to install it.
 */

const CAMPAIGN = 'prom';
const SCRAPE_MS = 1000;
/** Grafana's $__interval for a panel of ~15 minutes on a wide screen; $__rate_interval follows from it */
const INTERVAL_MS = 15_000;

interface Sample {
  readonly metric: Record<string, string>;
}

/** The gateway dashboard's variables as Grafana sends them: "All" is the allValue `.*`; one value is regex-escaped. */
const regexEscape = (value: string) => value.replace(/[$^*+?.()|{}[\]\\]/g, '\\\\$&');

describe('PromQL of dashboards/ in a real Prometheus', () => {
  let harness: GatewayHarness;
  let gateway: RunningGateway;
  let prometheus: RunningPrometheus;
  let batch: TestBatch;
  const dashboard = readDashboard(dashboardFiles.gateway);
  const queries = panelQueries(dashboard);

  /** Waits until an instant query returns a sample whose value satisfies `ok`. */
  async function waitForValue(expr: string, ok: (value: number) => boolean, what: string): Promise<void> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const data = await prometheus.api<{ result: { value: [number, string] }[] }>('query', { query: expr });
      if (data.result.some((sample) => ok(Number(sample.value[1])))) return;
      if (Date.now() > deadline) throw new Error(`Prometheus never saw ${what} (${expr})`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  beforeAll(async () => {
    // fails here, with how to install it, when Debian's prometheus package is missing
    prometheusTool('prometheus');
    harness = await createGatewayHarness({ ingest: { enabled: true, maxDeliveries: 1, batchWaitMs: 10 } });
    batch = await harness.addBatch(testCampaign(CAMPAIGN), { count: 20 });
    // low forged-code thresholds, so the enumeration alarm and the 429s have series
    gateway = await harness.startGateway({ gateway: { forgedCampaignAlarmAt: 2, forgedPerIpLimit: 2 } });
    prometheus = await startPrometheus({ targets: [`127.0.0.1:${gateway.opsPort as number}`], ruleFiles: [repoPath(alertRulesFile)], scrapeIntervalMs: SCRAPE_MS });

    const base = `http://127.0.0.1:${gateway.port}`;
    const codes = [batch.fresh(), batch.fresh(), batch.fresh(), batch.fresh(), batch.fresh()];
    const first = await scanJson(base, codes[0] as string);
    expect(first.body.outcome).toBe('won');
    for (const code of codes.slice(1)) expect((await scanJson(base, code)).status).toBe(200);
    expect((await scanJson(base, codes[0] as string, first.cookie === undefined ? {} : { cookie: first.cookie })).status).toBe(200); // a replay
    expect((await scanJson(base, codes[1] as string)).body.outcome).toBe('already_redeemed'); // another device: a clone
    const forged = (code: string) => `${code.slice(0, -1)}${code.endsWith('0') ? '1' : '0'}`;
    const forgedStatuses = [];
    for (let i = 0; i < 3; i++) forgedStatuses.push((await scanJson(base, forged(batch.fresh()))).status);
    expect(forgedStatuses).toEqual([404, 404, 429]);
    expect((await fetch(`${base}/nowhere`)).status).toBe(404);
    // a signed code past the batch's serials: once, and again after a scrape, so increase() sees it grow
    await scanJson(base, batch.sign(batch.serialLast + 5));
    await waitForValue('scangate_out_of_range_codes_total', (v) => v === 1, 'the first out-of-range code');
    await scanJson(base, batch.sign(batch.serialLast + 6));
    // an entry the ingest cannot decode: dead-lettered on its first delivery (maxDeliveries 1)
    await appendScanEvents(harness.redis.redis, eventStream(harness.redis.prefix, CAMPAIGN).key, [{ v: 1, garbage: true }]);

    await waitForValue('scangate_out_of_range_codes_total', (v) => v === 2, 'the second out-of-range code');
    await waitForValue(`sum(scangate_ingest_events_total{campaign="${CAMPAIGN}"})`, (v) => v === 7, 'the ingest commit the 7 decisions');
    await waitForValue('sum(scangate_ingest_dead_letters_total)', (v) => v === 1, 'the dead letter');
    await waitForValue('scangate_enumeration_alarm', (v) => v === 1, 'the enumeration alarm');
    // a few more scrapes, so every rate() window holds several samples
    await new Promise((resolve) => setTimeout(resolve, 4 * SCRAPE_MS));
  });

  afterAll(async () => {
    await prometheus?.stop();
    await harness?.close();
  });

  const instant = (expr: string) => prometheus.api<QueryData>('query', { query: expr });
  const ranged = (expr: string) => {
    const end = Date.now() / 1000;
    return prometheus.api<QueryData>('query_range', { query: expr, start: String(end - 60), end: String(end), step: String(INTERVAL_MS / 1000) });
  };

  /** The dashboard's variables through Prometheus, as Grafana's label_values() asks for them. */
  async function variableValues(): Promise<Record<string, string[]>> {
    const values: Record<string, string[]> = {};
    for (const variable of variables(dashboard).filter((v) => v.type === 'query')) {
      const [, selector, label] = /^label_values\((.+),\s*(\w+)\)$/.exec((variable.query as Json).query as string) as RegExpExecArray;
      // a variable's selector may use the variables before it (instance uses $job)
      const match = interpolatePromql(selector as string, { variables: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v.map(regexEscape).join('|')])), scrapeIntervalMs: SCRAPE_MS, intervalMs: INTERVAL_MS });
      values[variable.name as string] = await prometheus.api<string[]>(`label/${label as string}/values`, { 'match[]': match });
    }
    return values;
  }

  it('the variables find the job, the instance and the campaign', async () => {
    expect(await variableValues()).toEqual({ job: ['scangate'], instance: [`127.0.0.1:${gateway.opsPort as number}`], campaign: [CAMPAIGN] });
  });

  it('has PromQL in every panel of the gateway dashboard', () => {
    expect(queries.length).toBeGreaterThan(20);
    for (const query of queries) expect(typeof query.text, query.panel).toBe('string');
  });

  it.each([
    ['"All" selected', 'all'],
    ['the values found', 'found'],
  ] as const)('gateway dashboard, variables %s: each expression is a vector when instant and a matrix over a range, with series', async (_title, selection) => {
    const found = await variableValues();
    const values = selection === 'all' ? { job: '.*', instance: '.*', campaign: '.*' } : Object.fromEntries(Object.entries(found).map(([k, v]) => [k, v.map(regexEscape).join('|')]));
    const problems: string[] = [];
    for (const query of queries) {
      const expr = interpolatePromql(query.text, { variables: values, scrapeIntervalMs: SCRAPE_MS, intervalMs: INTERVAL_MS });
      const where = `${query.panel} ${query.refId}: ${expr}`;
      const now = await instant(expr).catch((err: Error) => ({ resultType: `error ${err.message}`, result: [] }) as unknown as QueryData);
      if (now.resultType !== 'vector') problems.push(`${where}: instant ${now.resultType}`);
      else if ((now.result as Sample[]).length === 0) problems.push(`${where}: no series`);
      const over = await ranged(expr).catch((err: Error) => ({ resultType: `error ${err.message}`, result: [] }) as unknown as QueryData);
      if (over.resultType !== 'matrix') problems.push(`${where}: range ${over.resultType}`);
      else if ((over.result as Sample[]).length === 0) problems.push(`${where}: no series over the range`);
    }
    expect(problems).toEqual([]);
  });

  it('the per-outcome series hold the scans made', async () => {
    const byOutcome = await instant('sum by (outcome) (scangate_scans_total)');
    const counts = Object.fromEntries((byOutcome.result as { metric: { outcome: string }; value: [number, string] }[]).map((s) => [s.metric.outcome, Number(s.value[1])]));
    // 5 won, a replay (won again), a clone; invalid: 2 forged codes answered 404 and 2 out-of-range codes
    expect(counts).toMatchObject({ won: 6, already_redeemed: 1, invalid: 4 });
    // the third forged code was refused (429) before it was counted as a scan; /nowhere is not_found
    const refused = await instant('sum by (reason) (scangate_http_rejections_total)');
    const reasons = Object.fromEntries((refused.result as { metric: { reason: string }; value: [number, string] }[]).map((s) => [s.metric.reason, Number(s.value[1])]));
    expect(reasons).toEqual({ rate_limited: 1, not_found: 1 });
  });

  it('alert rules: each expression is a vector with the alerting series; Prometheus loaded and evaluated them without error', async () => {
    const rules = alertRules();
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      const result = await instant(rule.expr);
      expect(result.resultType, rule.name).toBe('vector');
      expect((result.result as Sample[]).map((s) => s.metric.campaign), rule.name).toEqual([CAMPAIGN]);
    }
    const loaded = await prometheus.api<{ groups: { rules: { name: string; health: string; lastError?: string }[] }[] }>('rules', {});
    const states = loaded.groups.flatMap((g) => g.rules).map((r) => ({ name: r.name, health: r.health, lastError: r.lastError ?? '' }));
    expect(states).toEqual(rules.map((r) => ({ name: r.name, health: 'ok', lastError: '' })));
  });

  it('promtool check rules passes on dashboards/alerts/, and fails on a broken rule', async () => {
    const good = runPromtool('check', 'rules', repoPath(alertRulesFile));
    expect(good.output).toMatch(/SUCCESS: \d+ rules found/);
    expect(good.status).toBe(0);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'scangate-promtool-'));
    try {
      const broken = path.join(dir, 'broken.yaml');
      await writeFile(broken, 'groups:\n  - name: broken\n    rules:\n      - alert: Broken\n        expr: sum by (campaign (scangate_enumeration_alarm)\n');
      expect(runPromtool('check', 'rules', broken).status).not.toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('an expression Prometheus cannot parse is reported as an error, not as an empty result', async () => {
    await expect(instant('sum(rate(scangate_scans_total[$__rate_interval]))')).rejects.toThrow(/bad_data/);
    await expect(instant('sum by (outcome (scangate_scans_total)')).rejects.toThrow(/bad_data/);
  });
});
