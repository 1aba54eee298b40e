import { readdirSync, readFileSync } from 'node:fs';
import { Registry } from 'prom-client';
import { beforeAll, describe, expect, it } from 'vitest';
import { createIngestMetrics } from './ingest/ingest-metrics.js';
import { createGatewayMetrics } from './metrics.js';
import { repoPath } from '../core/paths.js';
import { Outcome, outcomeNames } from '../core/scan/outcomes.js';
import { reasonBits } from '../core/scan/reasons.js';

/**
 * The Grafana files in dashboards/ against what the code really exports and stores: provisioned
 * datasource uids, metric names and labels from the gateway's and the ingest's registries,
 * `$__rate_interval` in every rate window, and the Postgres columns of core/db/migrations.
 */

type Json = Record<string, unknown>;

const dashboardFiles = { gateway: 'dashboards/scangate-gateway.json', campaign: 'dashboards/scangate-campaign.json' } as const;
const expectedUids = { gateway: 'scangate-gateway', campaign: 'scangate-campaign' } as const;
/** datasource uid → plugin type, as dashboards/provisioning/datasources/scangate.yaml provisions them */
const provisionedTypes: Record<string, string> = { 'scangate-prometheus': 'prometheus', 'scangate-postgres': 'grafana-postgresql-datasource' };
/** labels Prometheus adds to every scraped series */
const targetLabels = ['job', 'instance'];

const readText = (file: string) => readFileSync(repoPath(file), 'utf8');
const readDashboard = (file: string) => JSON.parse(readText(file)) as Json;

/** Every panel, rows' nested panels included. */
function allPanels(dashboard: Json): Json[] {
  const out: Json[] = [];
  const walk = (panels: unknown) => {
    for (const panel of (panels as Json[] | undefined) ?? []) {
      out.push(panel);
      walk(panel.panels);
    }
  };
  walk(dashboard.panels);
  return out;
}

const targetsOf = (panel: Json) => (panel.targets as Json[] | undefined) ?? [];
const variables = (dashboard: Json) => ((dashboard.templating as Json).list as Json[]) ?? [];

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

/** table → columns, from the CREATE TABLE statements of core/db/migrations/*.sql */
function migrationColumns(): Map<string, Set<string>> {
  const tables = new Map<string, Set<string>>();
  const dir = 'core/db/migrations';
  for (const file of readdirSync(repoPath(dir)).filter((f) => f.endsWith('.sql'))) {
    for (const table of readText(`${dir}/${file}`).matchAll(/CREATE TABLE (\w+) \(\n([\s\S]*?)\n\)/g)) {
      const columns = [...(table[2] as string).matchAll(/^ {2}(\w+) /gm)].map((m) => m[1] as string).filter((c) => !/^(PRIMARY|UNIQUE|CHECK|FOREIGN|CONSTRAINT)$/.test(c));
      tables.set(table[1] as string, new Set(columns));
    }
  }
  return tables;
}

const sqlWords = new Set(
  [
    'select', 'from', 'where', 'and', 'or', 'not', 'in', 'as', 'group', 'by', 'order', 'desc', 'asc', 'limit', 'join', 'left', 'inner',
    'on', 'case', 'when', 'then', 'else', 'end', 'is', 'null', 'filter', 'within', 'values', 'count', 'coalesce', 'extract', 'epoch',
    'now', 'min', 'max', 'nullif', 'percentile_cont', 'float8', 'distinct',
  ].map((w) => w.toLowerCase()),
);

/** What is wrong with one SQL query: unknown tables or columns, `${DS_…}` inputs. */
function sqlProblems(sql: string, tables: Map<string, Set<string>>): string[] {
  const problems: string[] = [];
  if (sql.includes('${DS_')) problems.push('${DS_…} input');
  // Macro arguments first: an alias of the same name must not hide a wrong column (`$__timeFilter(x)` lands in WHERE).
  const macroColumns = [...sql.matchAll(/\$__(?:timeFilter|timeGroup|timeGroupAlias|unixEpochFilter)\(\s*((?:\w+\.)?\w+)/g)].map((m) => m[1] as string);
  let text = sql
    .replace(/'(?:[^']|'')*'/g, ' ')
    .replace(/\$\{[^}]*\}/g, ' ')
    .replace(/\$__\w+/g, ' ')
    .replace(/\bextract\(\s*epoch\s+FROM\b/gi, 'extract(')
    .replace(/\b\d+\.\d+\b/g, ' ');
  const aliases = new Set<string>();
  /** derived tables: `(VALUES …) AS r (bit, reason)` → r → its columns */
  const derived = new Map<string, Set<string>>();
  text = text.replace(/\bAS\s+(\w+)\s*\(([^)]*)\)/gi, (_w, name: string, cols: string) => {
    derived.set(name, new Set(cols.split(',').map((c) => c.trim())));
    return ' ';
  });
  const valuesColumns = new Set([...derived.values()].flatMap((cols) => [...cols]));
  text = text.replace(/\bAS\s+"?(\w+)"?/gi, (_w, name: string) => {
    aliases.add(name);
    return ' ';
  });
  const inQuery = new Map<string, string>(); // alias or name → table
  text = text.replace(/\b(FROM|JOIN)\s+(\w+)\b(?!\s*\()(?:\s+(?!ON\b|WHERE\b|JOIN\b|LEFT\b|INNER\b|GROUP\b|ORDER\b|LIMIT\b)(\w+))?/gi, (_w, kw: string, table: string, alias?: string) => {
    if (!tables.has(table)) problems.push(`table ${table} is not in the migrations`);
    inQuery.set(table, table);
    if (alias) inQuery.set(alias, table);
    return ` ${kw} `;
  });
  const columnsOf = (table: string) => tables.get(table) ?? new Set<string>();
  for (const column of macroColumns) {
    const [qualifier, name] = column.includes('.') ? (column.split('.') as [string, string]) : [undefined, column];
    const candidates = qualifier ? [inQuery.get(qualifier)].filter((t) => t !== undefined) : [...new Set(inQuery.values())];
    if (!candidates.some((t) => columnsOf(t).has(name))) problems.push(`macro column ${column} is in none of ${candidates.join(', ') || 'the tables'}`);
  }
  for (const [whole, qualifier, column] of text.matchAll(/\b(\w+)\.(\w+)\b/g)) {
    const table = inQuery.get(qualifier as string);
    const columns = table ? columnsOf(table) : derived.get(qualifier as string);
    if (!columns) problems.push(`${whole}: ${qualifier} is no table of the query`);
    else if (!columns.has(column as string)) problems.push(`${whole}: ${table ?? qualifier} has no column ${column}`);
  }
  text = text.replace(/\b\w+\.\w+\b/g, ' ').replace(/"\w+"/g, ' ').replace(/\b\d+(\.\d+)?\b/g, ' ');
  const known = [...new Set(inQuery.values())].flatMap((t) => [...columnsOf(t)]);
  for (const [word] of text.matchAll(/[A-Za-z_]\w*/g)) {
    if (sqlWords.has(word.toLowerCase()) || aliases.has(word) || valuesColumns.has(word) || inQuery.has(word) || derived.has(word)) continue;
    if (!known.includes(word)) problems.push(`column ${word} is in none of ${[...new Set(inQuery.values())].join(', ')}`);
  }
  return problems;
}

// ---------------------------------------------------------------- the tests

describe('Grafana dashboards (dashboards/)', () => {
  let series: SeriesLabels;
  const tables = migrationColumns();
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

  it('campaign: every SQL query uses real tables and columns, filters by $campaign, and time-filters scan_events', () => {
    const problems: string[] = [];
    const queries = [
      ...allPanels(dashboards.campaign).flatMap((panel) => targetsOf(panel).map((t) => ({ where: panel.title as string, sql: t.rawSql as string, panel: true }))),
      ...variables(dashboards.campaign).filter((v) => v.type === 'query').map((v) => ({ where: `$${v.name as string}`, sql: v.query as string, panel: false })),
    ];
    for (const { where, sql, panel } of queries) {
      for (const problem of sqlProblems(sql, tables)) problems.push(`${where}: ${problem}`);
      if (panel && !sql.includes('${campaign:sqlstring}')) problems.push(`${where}: not filtered by \${campaign:sqlstring}`);
      if (/\bscan_events\b/.test(sql) && !/\$__timeFilter\((\w+\.)?scanned_at\)/.test(sql)) problems.push(`${where}: scan_events without $__timeFilter(scanned_at) reads every partition`);
    }
    expect(problems).toEqual([]);
    const campaign = variables(dashboards.campaign).find((v) => v.name === 'campaign');
    expect(campaign?.query).toMatch(/^SELECT id AS __value, name AS __text FROM campaigns\b/);
  });

  it('campaign: outcome numbers and reason bits are labelled as in the code', () => {
    const sqls = allPanels(dashboards.campaign).flatMap((p) => targetsOf(p).map((t) => t.rawSql as string));
    const outcomeSql = sqls.filter((sql) => /CASE outcome WHEN/.test(sql));
    expect(outcomeSql.length).toBeGreaterThan(0);
    const stored = Object.entries(outcomeNames).filter(([n]) => Number(n) !== Outcome.Invalid);
    for (const sql of outcomeSql) expect([...sql.matchAll(/WHEN (\d+) THEN '(\w+)'/g)].map((m) => [m[1], m[2]])).toEqual(stored);
    const reasonSql = sqls.filter((sql) => /\bVALUES\b/.test(sql));
    expect(reasonSql.length).toBeGreaterThan(0);
    for (const sql of reasonSql) expect([...sql.matchAll(/\((\d+), '(\w+)'\)/g)].map((m) => [m[2], Number(m[1])])).toEqual(Object.entries(reasonBits));
  });

  it('alert rules (dashboards/alerts/): each has a name, a severity and a summary, and queries exported metrics and labels', () => {
    const yaml = readText('dashboards/alerts/scangate-alerts.yaml');
    const rules = yaml.split(/^\s+- alert: /m).slice(1);
    expect(rules.map((rule) => rule.split('\n')[0])).toEqual(['ScangateEnumerationAlarm', 'ScangateSigningKeyCompromise']);
    const problems: string[] = [];
    for (const rule of rules) {
      const name = rule.split('\n')[0] as string;
      const expr = /^\s+expr: (.+)$/m.exec(rule)?.[1] ?? '';
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

  it('the SQL check rejects unknown tables and columns', () => {
    const caught = (sql: string) => sqlProblems(sql, tables).length > 0;
    expect(caught("SELECT count(*) AS n FROM redemptions WHERE status = 'held'")).toBe(false);
    expect(caught("SELECT count(*) AS n FROM redemption WHERE status = 'held'")).toBe(true);
    expect(caught("SELECT count(*) AS n FROM redemptions WHERE state = 'held'")).toBe(true);
    expect(caught('SELECT t.tier FROM prize_tiers t')).toBe(true);
    expect(caught('SELECT e.scanned FROM scan_events e WHERE $__timeFilter(e.scanned_at)')).toBe(true);
    expect(caught("SELECT r.name FROM scan_events e JOIN (VALUES (1, 'clone')) AS r (bit, reason) ON (e.reason_mask & r.bit) <> 0")).toBe(true);
    expect(caught('SELECT count(*) AS n FROM prize_tiers WHERE status = 1')).toBe(true);
    expect(caught('SELECT count(*) AS redeemed FROM redemptions WHERE $__timeFilter(redeemed)')).toBe(true);
  });
});
