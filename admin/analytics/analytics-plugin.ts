import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { loadCampaigns } from '../../core/campaigns/campaign-store.js';
import { repoPath } from '../../core/paths.js';
import { requireRole } from '../auth/require-role.js';
import type { AdminDeps } from '../context.js';
import type { AdminPart } from '../part.js';
import { seesFullPii } from '../users/roles.js';
import { allDataKeys, loadAnalytics, type AnalyticsData } from './analytics-data.js';
import { overviewPage, problemPage } from './analytics-page.js';
import { resolveSelection, type Selection, type SelectionProblem, type SelectionQuery } from './analytics-selection.js';
import { analyticsTables, tableIds, type DataTable, type TableContext } from './analytics-tables.js';
import { analyticsTexts, type TableId } from './analytics-texts.js';
import { csvValue } from './cells.js';
import { attachmentHeader, toCsv } from './csv.js';

const day = { type: 'string', pattern: '^$|^\\d{4}-\\d{2}-\\d{2}$' } as const;
/** Shapes only; what they mean (a campaign that exists, a real day, an order, a length) is resolveSelection's. */
const selectionQuerySchema = {
  type: 'object',
  properties: { campaign: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,39}$' }, from: day, to: day },
  additionalProperties: false,
} as const;

/** The ECharts files the pages load, served from the installed package: no CDN, nothing else of it. */
const echartsFiles = new Set(['/dist/echarts.min.js', '/i18n/langZH.js']);

const viewers = ['admin', 'reviewer', 'viewer'] as const;

/** Which picker a schema refusal is about: a malformed campaign id is no campaign; a malformed day is a bad date. */
function problemOf(request: FastifyRequest): SelectionProblem | null {
  const failed = request.validationError?.validation?.[0]?.instancePath;
  if (failed === '/campaign') return 'unknownCampaign';
  if (failed === '/from' || failed === '/to') return 'badDate';
  return null;
}

/** The campaign overview and a CSV per table; every role may read them, viewers with PII masked. */
const plugin: FastifyPluginAsync<AdminDeps> = async (app, { pool, redis, clock }) => {
  await app.register(fastifyStatic, {
    root: repoPath('node_modules', 'echarts'),
    prefix: '/vendor/echarts/',
    decorateReply: false,
    cacheControl: true,
    maxAge: 86_400_000,
    allowedPath: (path) => echartsFiles.has(path),
  });

  /** The selection, or the 400 page saying what is wrong with it (then null). */
  async function select(request: FastifyRequest<{ Querystring: SelectionQuery }>, reply: FastifyReply): Promise<{ selection: Selection; campaigns: Awaited<ReturnType<typeof loadCampaigns>> } | null> {
    const campaigns = await loadCampaigns(pool);
    if (request.validationError) {
      const problem = problemOf(request);
      if (!problem) throw request.validationError;
      await reply.sendPage({ status: 400, title: analyticsTexts[request.locale].title, body: problemPage(request.locale, campaigns, {}, problem) });
      return null;
    }
    const resolved = resolveSelection(campaigns, request.query, clock());
    if ('problem' in resolved) {
      await reply.sendPage({ status: 400, title: analyticsTexts[request.locale].title, body: problemPage(request.locale, campaigns, request.query, resolved.problem) });
      return null;
    }
    return { selection: resolved.selection, campaigns };
  }

  const tableContext = (request: FastifyRequest, selection: Selection, now: Date): TableContext => ({
    locale: request.locale,
    selection,
    masked: !request.adminUser || !seesFullPii(request.adminUser.role),
    now,
  });

  app.get<{ Querystring: SelectionQuery }>(
    '/analytics',
    { preHandler: requireRole(...viewers), schema: { querystring: selectionQuerySchema }, attachValidation: true },
    async (request, reply) => {
      const selected = await select(request, reply);
      if (!selected) return reply;
      const now = new Date(clock());
      const data = await loadAnalytics({ pool, redis, selection: selected.selection, now }, allDataKeys);
      const context = tableContext(request, selected.selection, now);
      const tables = Object.fromEntries(tableIds.map((id) => [id, analyticsTables[id].build(data, context)])) as Record<TableId, DataTable>;
      const body = overviewPage({ locale: request.locale, campaigns: selected.campaigns, selection: selected.selection, data: data as AnalyticsData, tables, now: now.getTime() });
      return reply.sendPage({ title: analyticsTexts[request.locale].title, body });
    },
  );

  app.get<{ Params: { table: TableId }; Querystring: SelectionQuery }>(
    '/analytics/csv/:table',
    {
      preHandler: requireRole(...viewers),
      schema: { params: { type: 'object', properties: { table: { type: 'string', enum: tableIds } }, required: ['table'] }, querystring: selectionQuerySchema },
      attachValidation: true,
    },
    async (request, reply) => {
      // a bad table name is not a picker's problem: the schema's 400
      if (request.validationError?.validation?.[0]?.instancePath === '/table') throw request.validationError;
      const selected = await select(request, reply);
      if (!selected) return reply;
      const { selection } = selected;
      const now = new Date(clock());
      const definition = analyticsTables[request.params.table];
      const data = await loadAnalytics({ pool, redis, selection, now }, definition.needs);
      const table = definition.build(data, tableContext(request, selection, now));
      const zone = selection.campaign.window.timeZone;
      const csv = toCsv([
        table.columns.map((column) => ({ value: column, text: true })),
        ...table.rows.map((row) => row.map((cell) => ({ value: csvValue(cell, zone), text: cell.kind === 'text' }))),
      ]);
      return reply
        .header('cache-control', 'no-store')
        .header('content-disposition', attachmentHeader(`scangate-${selection.campaign.id}-${request.params.table}-${selection.from}_${selection.to}.csv`))
        .type('text/csv; charset=utf-8')
        .send(csv);
    },
  );
};

export const analyticsPart: AdminPart = {
  name: 'analytics',
  nav: { path: '/analytics', label: { 'zh-CN': analyticsTexts['zh-CN'].title, en: analyticsTexts.en.title }, roles: [...viewers] },
  plugin,
};
