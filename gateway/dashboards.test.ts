import { readdirSync } from 'node:fs';
import { Registry } from 'prom-client';
import { beforeAll, describe, expect, it } from 'vitest';
import { createIngestMetrics } from './ingest/ingest-metrics.js';
import { createGatewayMetrics } from './metrics.js';
import { allPanels, alertRules, dashboardFiles, readDashboard, readText, targetsOf, variables, type Json } from './dashboards/testing/dashboard-files.js';
import { repoPath } from '../core/paths.js';
import { Outcome, outcomeNames } from '../core/scan/outcomes.js';
import { reasonBits } from '../core/scan/reasons.js';

/**
 * The Grafana files in dashboards/ against what the code really exports and stores: provisioned
 * datasource uids, metric names and labels from the gateway's and the ingest's registries,
 * `$__rate_interval` in every rate window, and which tables the campaign dashboard reads.
 * Running them is the job of gateway/dashboards/: the SQL against a real Postgres
 * (campaign-sql.test.ts), the PromQL in a real Prometheus (prometheus.test.ts).
 */

const expectedUids = { gateway: 'scangate-gateway', campaign: 'scangate-campaign' } as const;
/** datasource uid → plugin type, as dashboards/provisioning/datasources/scangate.yaml provisions them */
const provisionedTypes: Record<string, string> = { 'scangate-prometheus': 'prometheus', 'scangate-postgres': 'grafana-postgresql-datasource' };
/** labels Prometheus adds to every scraped series */
const targetLabels = ['job', 'instance'];

// ---------------------------------------------------------------- exported series

/** series name → its label names (histograms: _bucket with le, _sum, _count; the bare name is not a series) */
type SeriesLabels = Map<string, Set<string>>;

async function exportedSeries(): Promise<SeriesLabels> {
  const registry = new Registry();
  createGatewayMetrics(registry);
  createIngestMetrics(registry);
  const series: SeriesLabels = new Map();
  for (const metric of await registry.getMetricsAsJSON()) {
    const labels = (registry.getSingleMetric(metric.name) as unknown as { labelNames?: readonly string[] }).labelNames ?? [];
    const add = (name: string, extra: string[] = []) => series.set(name, new Set([...labels, ...extra, ...targetLabels]));
    // prom-client's typings say a numeric enum; at run time the type is the exposition-format word
    const type = metric.type as unknown as string;
    if (type === 'histogram') {
      add(`${metric.name}_bucket`, ['le']);
      add(`${metric.name}_sum`);
      add(`${metric.name}_count`);
    } else if (type === 'summary') {
      add(metric.name, ['quantile']);
      add(`${metric.name}_sum`);
      add(`${metric.name}_count`);
    } else {
      add(metric.name);
    }
  }
  return series;
}

// ---------------------------------------------------------------- PromQL checks

const promqlWords = new Set([
  'sum', 'min', 'max', 'avg', 'count', 'stddev', 'stdvar', 'topk', 'bottomk', 'quantile', 'count_values', 'group',
  'rate', 'irate', 'increase', 'delta', 'idelta', 'deriv', 'histogram_quantile', 'clamp_min', 'clamp_max', 'abs',
  'ceil', 'floor', 'round', 'vector', 'scalar', 'time', 'absent', 'label_replace', 'sort', 'sort_desc', 'offset',
  'and', 'or', 'unless', 'bool', 'inf', 'nan',
]);

/** The matching ")" of the "(" at `open`. */
function closingParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return i;
  }
  return -1;
}

/**
 * What is wrong with one PromQL expression (empty when nothing): metric names not exported,
 * labels not on the metrics used, rate()/increase() windows other than $__rate_interval,
 * ${DS_...} inputs. `legend` is the target's legendFormat ({{label}} must be a label of the result).
 */
function promqlProblems(expr: string, series: SeriesLabels, legend = '', ranges: 'grafana' | 'fixed' = 'grafana'): string[] {
  const problems: string[] = [];
  if (expr.includes('${DS_')) problems.push(`\${DS_…} input in ${expr}`);
  // Grafana panels use $__rate_interval; alert rules run in Prometheus, which needs fixed windows.
  const rangePattern = ranges === 'grafana' ? /^\$__rate_interval$/ : /^\d+[smh]$/;
  for (const call of expr.matchAll(/\b(rate|irate|increase)\s*\(/g)) {
    const open = call.index + call[0].length - 1;
    const argument = expr.slice(open, closingParen(expr, open) + 1);
    const range = /\[([^\]]*)\]/.exec(argument)?.[1];
    if (range === undefined || !rangePattern.test(range)) problems.push(`${call[1]}() without a ${ranges} range: ${argument}`);
  }
  for (const range of expr.matchAll(/\[([^\]]*)\]/g)) if (!rangePattern.test(range[1] as string)) problems.push(`range [${range[1]}] is not a ${ranges} range`);

  const used: string[] = [];
  const checkLabels = (metrics: string[], labels: string[], where: string) => {
    for (const label of labels) {
      if (label === '__name__') continue;
      if (!metrics.some((metric) => series.get(metric)?.has(label))) problems.push(`label "${label}" (${where}) is on none of ${metrics.join(', ') || 'the selected metrics'}`);
    }
  };
  // Selectors: name{matchers} or {__name__=~"a|b", ...}
  let rest = expr.replace(/([A-Za-z_:][A-Za-z0-9_:]*)?\s*\{([^}]*)\}/g, (_whole, name: string | undefined, body: string) => {
    const matchers = [...body.matchAll(/([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"/g)];
    const names = name ? [name] : (matchers.find((m) => m[1] === '__name__' && (m[2] === '=' || m[2] === '=~'))?.[3]?.split('|') ?? []);
    if (names.length === 0) problems.push(`selector {${body}} names no metric`);
    for (const metric of names) if (!series.has(metric)) problems.push(`metric ${metric} is not exported`);
    used.push(...names);
    checkLabels(names, matchers.map((m) => m[1] as string), `{${body}}`);
    return ' ';
  });
  const grouping: string[] = [];
  rest = rest.replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g, (_whole, _kw: string, labels: string) => {
    grouping.push(...labels.split(',').map((l) => l.trim()).filter(Boolean));
    return ' ';
  });
  rest = rest.replace(/\[[^\]]*\]/g, ' ').replace(/"(?:[^"\\]|\\.)*"/g, ' ');
  // identifiers and numbers in one pass, so the digits inside a name are not taken for a number
  for (const [word] of rest.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*|\d+(?:\.\d+)?(?:e[+-]?\d+)?/gi)) {
    if (/^\d/.test(word) || promqlWords.has(word)) continue;
    if (!series.has(word)) problems.push(`metric ${word} is not exported`);
    used.push(word);
  }
  checkLabels(used, grouping, 'grouping');
  checkLabels(used, [...legend.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1] as string), 'legend');
  return problems;
}

// ---------------------------------------------------------------- SQL checks

/** The tables of core/db/migrations/*.sql. */
function migrationTables(): Set<string> {
  const dir = 'core/db/migrations';
  return new Set(readdirSync(repoPath(dir)).filter((f) => f.endsWith('.sql')).flatMap((file) => [...readText(`${dir}/${file}`).matchAll(/CREATE TABLE (\w+) \(/g)].map((m) => m[1] as string)));
}

/**
 * What the campaign dashboard's aggregates may read (README "Analytics glossary"): the rollups,
 * the campaign's batches and tiers, the review queue and the dead letters. scan_events (100 M
 * rows) only in a per-device or per-code drill-down.
 */
const aggregateSources = new Set([
  'analytics_hourly', 'analytics_hourly_reasons', 'analytics_device_spans', 'analytics_device_span_prizes', 'analytics_device_gaps', 'analytics_reviews_hourly',
  'campaigns', 'code_batches', 'prize_tiers', 'redemptions', 'ingest_dead_letters',
]);

/** The migration tables a query reads (CTE names and other derived tables left out). */
const tablesRead = (sql: string, tables: Set<string>) => new Set([...sql.matchAll(/\b(?:FROM|JOIN)\s+(\w+)/gi)].map((m) => m[1] as string).filter((name) => tables.has(name)));

/** What is wrong with where one campaign-dashboard query reads from (empty when nothing). */
function sourceProblems(title: string, sql: string, tables: Set<string>): string[] {
  const problems: string[] = [];
  if (sql.includes('${DS_')) problems.push('${DS_…} input');
  const read = tablesRead(sql, tables);
  if (read.size === 0) problems.push('reads no table of the migrations');
  const drillDown = /drill-down/i.test(title) && /\b(device_id|code)\s*=\s*\$\{(device|code):sqlstring\}/.test(sql);
  for (const table of read) {
    if (table === 'scan_events') {
      if (!drillDown) problems.push('reads scan_events outside a per-device / per-code drill-down');
      if (!/\$__timeFilter\((\w+\.)?scanned_at\)/.test(sql)) problems.push('scan_events without $__timeFilter(scanned_at) reads every partition');
    } else if (!aggregateSources.has(table)) problems.push(`reads ${table}, which is not a rollup or one of the small tables`);
  }
  return problems;
}

// ---------------------------------------------------------------- the tests

describe('Grafana dashboards (dashboards/)', () => {
  let series: SeriesLabels;
  const tables = migrationTables();
  const dashboards = { gateway: readDashboard(dashboardFiles.gateway), campaign: readDashboard(dashboardFiles.campaign) };

  beforeAll(async () => {
    series = await exportedSeries();
  });

  it('provisions the two datasources with fixed uids', () => {
    const yaml = readText('dashboards/provisioning/datasources/scangate.yaml');
    const uids = [...yaml.matchAll(/^\s+uid:\s*(\S+)\s*$/gm)].map((m) => m[1]);
    const types = [...yaml.matchAll(/^\s+type:\s*(\S+)\s*$/gm)].map((m) => m[1]);
    expect(uids).toEqual(Object.keys(provisionedTypes));
    expect(types).toEqual(Object.values(provisionedTypes));
    const provider = readText('dashboards/provisioning/dashboards/scangate.yaml');
    expect(provider).toMatch(/^\s+type: file$/m);
    expect(provider).toMatch(/^\s+path: \S+$/m);
  });

  it.each(Object.keys(dashboardFiles) as (keyof typeof dashboardFiles)[])('%s: stable uid, no ${DS_…} inputs, schemaVersion 39', (key) => {
    const dashboard = dashboards[key];
    expect(dashboard.uid).toBe(expectedUids[key]);
    expect(dashboard.schemaVersion).toBe(39);
    expect(dashboard.__inputs).toBeUndefined();
    expect(readText(dashboardFiles[key])).not.toContain('${DS_');
    const ids = allPanels(dashboard).map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    // the grid is 24 wide and panels must not overlap
    const boxes = allPanels(dashboard).map((p) => ({ title: p.title as string, ...(p.gridPos as { x: number; y: number; w: number; h: number }) }));
    for (const [i, a] of boxes.entries()) {
      expect(a.x + a.w, a.title).toBeLessThanOrEqual(24);
      for (const b of boxes.slice(i + 1)) {
        const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
        expect(overlap, `${a.title} / ${b.title}`).toBe(false);
      }
    }
  });

  it.each(Object.keys(dashboardFiles) as (keyof typeof dashboardFiles)[])('%s: every datasource is provisioned or a datasource variable of the right type', (key) => {
    const dashboard = dashboards[key];
    const dsVariables = new Map(variables(dashboard).filter((v) => v.type === 'datasource').map((v) => [v.name as string, v.query as string]));
    for (const variable of variables(dashboard).filter((v) => v.type === 'datasource')) {
      const current = (variable.current as Json).value as string;
      expect(provisionedTypes[current], `default of $${variable.name as string}`).toBe(variable.query);
    }
    const typeOf = (ds: Json, where: string): string => {
      const uid = ds.uid as string;
      const variable = /^\$\{?(\w+)\}?$/.exec(uid)?.[1];
      const type = variable ? dsVariables.get(variable) : provisionedTypes[uid];
      expect(type, `${where}: datasource uid ${uid}`).toBeDefined();
      expect(ds.type, `${where}: datasource type`).toBe(type);
      return type as string;
    };
    for (const panel of allPanels(dashboard)) {
      if (panel.type === 'row') continue;
      const where = `panel "${panel.title as string}"`;
      const panelType = typeOf(panel.datasource as Json, where);
      expect(targetsOf(panel).length, `${where} has targets`).toBeGreaterThan(0);
      for (const target of targetsOf(panel)) {
        expect(target.refId, `${where}: refId`).toMatch(/^[A-Z]$/);
        const targetType = typeOf((target.datasource as Json | undefined) ?? (panel.datasource as Json), where);
        expect(targetType).toBe(panelType);
        if (targetType === 'prometheus') expect(typeof target.expr, `${where}: expr`).toBe('string');
        else expect(typeof target.rawSql, `${where}: rawSql`).toBe('string');
      }
    }
    for (const variable of variables(dashboard).filter((v) => v.type === 'query')) typeOf(variable.datasource as Json, `variable $${variable.name as string}`);
  });

  it('gateway: every PromQL expression uses exported metrics and labels, and $__rate_interval', () => {
    const problems: string[] = [];
    expect(allPanels(dashboards.gateway).flatMap(targetsOf).length).toBeGreaterThan(20);
    for (const panel of allPanels(dashboards.gateway)) {
      for (const target of targetsOf(panel)) {
        for (const problem of promqlProblems(target.expr as string, series, (target.legendFormat as string | undefined) ?? '')) problems.push(`${panel.title as string}: ${problem}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('gateway: template variables query exported metrics and labels', () => {
    const names = variables(dashboards.gateway).map((v) => v.name);
    expect(names).toEqual(['datasource', 'job', 'instance', 'campaign']);
    for (const variable of variables(dashboards.gateway).filter((v) => v.type === 'query')) {
      const query = (variable.query as Json).query as string;
      expect(variable.definition).toBe(query);
      const parsed = /^label_values\((.+),\s*(\w+)\)$/.exec(query);
      expect(parsed, query).not.toBeNull();
      const [, selector, label] = parsed as RegExpExecArray;
      // the label must be one of the selector's metrics: check it as a grouping label
      expect(promqlProblems(`count by (${label}) (${selector})`, series), query).toEqual([]);
    }
  });

  it('campaign: aggregates read the rollups and small tables only, scan_events only in drill-downs; every panel filters by ${campaign:sqlstring}', () => {
    const problems: string[] = [];
    const panels = allPanels(dashboards.campaign).flatMap((panel) => targetsOf(panel).map((t) => ({ title: panel.title as string, sql: t.rawSql as string })));
    for (const { title, sql } of panels) {
      for (const problem of sourceProblems(title, sql, tables)) problems.push(`${title}: ${problem}`);
      if (!sql.includes('${campaign:sqlstring}')) problems.push(`${title}: not filtered by \${campaign:sqlstring}`);
    }
    expect(problems).toEqual([]);
    const read = new Set(panels.flatMap(({ sql }) => [...tablesRead(sql, tables)]));
    for (const rollup of ['analytics_hourly', 'analytics_hourly_reasons', 'analytics_device_spans', 'analytics_device_span_prizes', 'analytics_device_gaps', 'analytics_reviews_hourly']) expect(read, rollup).toContain(rollup);
    const campaign = variables(dashboards.campaign).find((v) => v.name === 'campaign');
    expect(campaign?.query).toMatch(/^SELECT id AS __value, name AS __text FROM campaigns\b/);
  });

  it('the source check rejects scan_events in an aggregate, an unfiltered drill-down and other tables', () => {
    const caught = (title: string, sql: string) => sourceProblems(title, sql, tables).length > 0;
    expect(caught('Scans', 'SELECT sum(scans) FROM analytics_hourly h JOIN code_batches b ON b.id = h.batch_id')).toBe(false);
    expect(caught('Scans', 'SELECT count(*) FROM scan_events WHERE $__timeFilter(scanned_at)')).toBe(true);
    expect(caught('Device drill-down', 'SELECT code FROM scan_events WHERE device_id = ${device:sqlstring} AND $__timeFilter(scanned_at)')).toBe(false);
    expect(caught('Device drill-down', 'SELECT code FROM scan_events WHERE device_id = ${device:sqlstring}')).toBe(true);
    expect(caught('Device drill-down', 'SELECT code FROM scan_events WHERE $__timeFilter(scanned_at)')).toBe(true);
    expect(caught('Scans', 'WITH x AS (SELECT 1) SELECT * FROM x JOIN review_decisions r ON true')).toBe(true);
    expect(caught('Scans', 'SELECT 1')).toBe(true);
  });

  it('campaign: outcome numbers and reason bits are labelled as in the code', () => {
    const sqls = allPanels(dashboards.campaign).flatMap((p) => targetsOf(p).map((t) => t.rawSql as string));
    const outcomeSql = sqls.filter((sql) => /CASE outcome WHEN/.test(sql));
    expect(outcomeSql.length).toBeGreaterThan(0);
    const stored = Object.entries(outcomeNames).filter(([n]) => Number(n) !== Outcome.Invalid);
    for (const sql of outcomeSql) expect([...sql.matchAll(/WHEN (\d+) THEN '(\w+)'/g)].map((m) => [m[1], m[2]])).toEqual(stored);
    // analytics_hourly_reasons stores the bit's index (log2 of its value in core/scan/reasons.ts)
    const reasonSql = sqls.filter((sql) => /\bVALUES\b/.test(sql));
    expect(reasonSql.length).toBeGreaterThan(0);
    for (const sql of reasonSql) expect([...sql.matchAll(/\((\d+), '(\w+)'\)/g)].map((m) => [m[2], 2 ** Number(m[1])])).toEqual(Object.entries(reasonBits));
  });

  it('alert rules (dashboards/alerts/): each has a name, a severity and a summary, and queries exported metrics and labels', () => {
    const rules = alertRules();
    expect(rules.map((rule) => rule.name)).toEqual(['ScangateEnumerationAlarm', 'ScangateSigningKeyCompromise']);
    const problems: string[] = [];
    for (const { name, expr, body: rule } of rules) {
      if (!/^\s+severity: (warning|critical)$/m.test(rule)) problems.push(`${name}: no severity`);
      if (!/^\s+summary: .+$/m.test(rule)) problems.push(`${name}: no summary`);
      // {{ $labels.x }} in the annotations must be a label of the result, like a panel's legend
      const labelsUsed = [...rule.matchAll(/\{\{ \$labels\.(\w+) \}\}/g)].map((m) => `{{${m[1] as string}}}`).join(' ');
      for (const problem of promqlProblems(expr, series, labelsUsed, 'fixed')) problems.push(`${name}: ${problem}`);
    }
    expect(problems).toEqual([]);
    expect(promqlProblems('sum by (campaign) (increase(scangate_out_of_range_codes_total[$__rate_interval]))', series, '', 'fixed')).not.toEqual([]);
    expect(promqlProblems('max by (batch) (scangate_enumeration_alarm) > 0', series, '', 'fixed')).not.toEqual([]);
  });

  // The checks above must be able to fail: each of these mistakes is caught.
  it('the PromQL check rejects unknown metrics, missing suffixes, foreign labels and fixed windows', () => {
    const caught = (expr: string, legend = '') => promqlProblems(expr, series, legend).length > 0;
    expect(caught('sum(rate(scangate_scans_total[$__rate_interval]))')).toBe(false);
    expect(caught('sum(rate(scangate_scan_total[$__rate_interval]))')).toBe(true);
    expect(caught('histogram_quantile(0.99, sum by (le) (rate(scangate_scan_seconds[$__rate_interval])))')).toBe(true);
    expect(caught('sum by (le) (rate(scangate_scans_total[$__rate_interval]))')).toBe(true);
    expect(caught('sum(rate(scangate_scans_total{campaign="demo"}[$__rate_interval]))')).toBe(true);
    expect(caught('sum(rate(scangate_scans_total[5m]))')).toBe(true);
    expect(caught('sum(increase(scangate_ingest_events_total[$__range]))')).toBe(true);
    expect(caught('sum(rate(scangate_scans_total[$__rate_interval]))', '{{reason}}')).toBe(true);
    expect(caught('count({__name__=~"scangate_scans_total|scangate_nope_total"})')).toBe(true);
    expect(caught('sum(rate(scangate_scans_total{instance="${DS_PROMETHEUS}"}[$__rate_interval]))')).toBe(true);
  });
});
