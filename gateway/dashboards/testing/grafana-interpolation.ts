/**
 * What Grafana does to a query's text before the datasource sees it, for the dashboard tests:
 * template variables first (the frontend's `$name`, `${name}`, `${name:format}`, built-ins such
 * as `$__interval`), then, for SQL, the Postgres datasource's macros (`$__timeFilter(col)` …,
 * as pkg/tsdb/grafana-postgresql-datasource/macros.go writes them). Whatever is left that looks
 * like a variable or a macro is an error: Postgres or Prometheus would get text Grafana never sends.
 */

export interface TimeRange {
  readonly from: Date;
  readonly to: Date;
}

const unitMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Grafana's interval text for a number of milliseconds ("1h", "30m", "15s"): the largest unit that divides it. */
export function intervalText(ms: number): string {
  for (const unit of ['w', 'd', 'h', 'm', 's'] as const) if (ms % (unitMs[unit] as number) === 0) return `${ms / (unitMs[unit] as number)}${unit}`;
  return `${ms}ms`;
}

/** gtime.ParseInterval for the units Grafana writes ("15s", "1h", "'5m'"), in ms. */
export function parseInterval(text: string): number {
  const match = /^(\d+)(ms|s|m|h|d|w)$/.exec(text.replace(/^'|'$/g, ''));
  if (!match) throw new Error(`error parsing interval ${text}`);
  return Number(match[1]) * (unitMs[match[2] as string] as number);
}

// the frontend's variable syntax (public/app/features/templating/template_srv: variableRegex), less the deprecated [[name]]
const variablePattern = /\$(\w+)|\$\{(\w+)(?::([^}]+))?\}/g;

export type VariableFormat = (value: string) => string;

/** The formats the dashboards use; any other is an error. */
const formats: Record<string, VariableFormat> = {
  // Grafana's sqlstring: single quotes, a quote doubled
  sqlstring: (value) => `'${value.replace(/'/g, "''")}'`,
  raw: (value) => value,
};

/** Replaces the known variables; unknown names stay for the macro step or the leftover check. */
function replaceVariables(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(variablePattern, (whole, plain: string | undefined, braced: string | undefined, format: string | undefined) => {
    const name = (plain ?? braced) as string;
    const value = values[name];
    if (value === undefined) return whole;
    if (format === undefined) return value;
    const formatter = formats[format];
    if (!formatter) throw new Error(`variable format ${format} (in ${whole}) is not one the tests know`);
    return formatter(value);
  });
}

/** Fails on anything Grafana would have replaced and did not here. */
function assertExpanded(text: string, original: string): string {
  const left = /\$(\w+|\{[^}]*\})/.exec(text);
  if (left) throw new Error(`not expanded: ${left[0]} in\n${original}`);
  return text;
}

export interface SqlContext {
  readonly range: TimeRange;
  /** $__interval in ms: Grafana's choice for the panel (never under its min interval) */
  readonly intervalMs: number;
  /** the dashboard's variables, by name */
  readonly variables: Readonly<Record<string, string>>;
}

/** Go's time.RFC3339Nano in UTC: the fraction's trailing zeros (and a bare dot) left out. */
const rfc3339 = (date: Date) => date.toISOString().replace(/\.?0+Z$/, 'Z');

/** A Postgres panel's rawSql as the datasource sends it to Postgres. */
export function interpolateSql(sql: string, context: SqlContext): string {
  const { range } = context;
  const withVariables = replaceVariables(sql, {
    ...context.variables,
    __interval: intervalText(context.intervalMs),
    __interval_ms: String(context.intervalMs),
  });
  const timeGroup = (args: string[]) => {
    if (args.length < 2) throw new Error(`$__timeGroup needs a column and an interval: (${args.join(', ')})`);
    const seconds = parseInterval(args[1] as string) / 1000;
    return `floor(extract(epoch from ${args[0] as string})/${seconds})*${seconds}`;
  };
  const macros: Record<string, (args: string[]) => string> = {
    __timeFilter: (args) => `${args[0] as string} BETWEEN '${rfc3339(range.from)}' AND '${rfc3339(range.to)}'`,
    __timeFrom: () => `'${rfc3339(range.from)}'`,
    __timeTo: () => `'${rfc3339(range.to)}'`,
    __timeGroup: timeGroup,
    __timeGroupAlias: (args) => `${timeGroup(args)} AS "time"`,
  };
  // the datasource's macro pattern: $name(arguments without a closing parenthesis)
  const expanded = withVariables.replace(/\$(\w+)\(([^)]*)\)/g, (_whole, name: string, args: string) => {
    const macro = macros[name];
    if (!macro) throw new Error(`unknown macro $${name}`);
    return macro(args.split(',').map((arg) => arg.trim()));
  });
  return assertExpanded(expanded, sql);
}

export interface PromqlContext {
  /** the dashboard's variables as Prometheus receives them (a multi-value "All" is its allValue, e.g. ".*") */
  readonly variables: Readonly<Record<string, string>>;
  /** Prometheus's scrape interval, the datasource's timeInterval */
  readonly scrapeIntervalMs: number;
  readonly intervalMs: number;
}

/** A Prometheus target's expr as Grafana sends it: $__rate_interval = max($__interval + scrape interval, 4 × scrape interval). */
export function interpolatePromql(expr: string, context: PromqlContext): string {
  const rateIntervalMs = Math.max(context.intervalMs + context.scrapeIntervalMs, 4 * context.scrapeIntervalMs);
  const expanded = replaceVariables(expr, {
    ...context.variables,
    __interval: intervalText(context.intervalMs),
    __rate_interval: intervalText(rateIntervalMs),
  });
  return assertExpanded(expanded, expr);
}
