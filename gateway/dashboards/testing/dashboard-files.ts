import { readFileSync } from 'node:fs';
import { repoPath } from '../../../core/paths.js';

/** The Grafana files of dashboards/ as the dashboard tests read them. */

export type Json = Record<string, unknown>;

export const dashboardFiles = { gateway: 'dashboards/scangate-gateway.json', campaign: 'dashboards/scangate-campaign.json' } as const;
export const alertRulesFile = 'dashboards/alerts/scangate-alerts.yaml';

export const readText = (file: string): string => readFileSync(repoPath(file), 'utf8');
export const readDashboard = (file: string): Json => JSON.parse(readText(file)) as Json;

/** Every panel, rows' nested panels included. */
export function allPanels(dashboard: Json): Json[] {
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

export const targetsOf = (panel: Json): Json[] => (panel.targets as Json[] | undefined) ?? [];
export const variables = (dashboard: Json): Json[] => ((dashboard.templating as Json).list as Json[]) ?? [];

/** One query of a dashboard: where it is (panel title and refId, or the variable) and its text. */
export interface DashboardQuery {
  readonly panel: string;
  readonly refId: string;
  /** rawSql for Postgres, expr for Prometheus */
  readonly text: string;
  /** the panel's type (stat, timeseries, table, …) */
  readonly panelType: string;
  /** the target's format (table, time_series) for SQL */
  readonly format: string | undefined;
  /** the panel's min interval ("1h"): Grafana's $__interval is never below it */
  readonly minInterval: string | undefined;
}

export function panelQueries(dashboard: Json): DashboardQuery[] {
  return allPanels(dashboard).flatMap((panel) =>
    targetsOf(panel).map((target) => ({
      panel: panel.title as string,
      refId: target.refId as string,
      text: (target.rawSql ?? target.expr) as string,
      panelType: panel.type as string,
      format: target.format as string | undefined,
      minInterval: panel.interval as string | undefined,
    })),
  );
}

/** The alert rules of dashboards/alerts/ (name and expression), read without a YAML parser: one `- alert:` line and one `expr:` line each. */
export function alertRules(): { name: string; expr: string; body: string }[] {
  return readText(alertRulesFile)
    .split(/^\s+- alert: /m)
    .slice(1)
    .map((body) => ({ name: body.split('\n')[0] as string, expr: /^\s+expr: (.+)$/m.exec(body)?.[1] ?? '', body }));
}
