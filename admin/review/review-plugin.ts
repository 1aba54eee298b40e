import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { isScangateError, ScangateError } from '../../core/errors.js';
import { readPageEvidence, type ScanEvidence } from '../../core/review/evidence.js';
import { readReviewBacklog, readReviewQueue, type QueueFilter } from '../../core/review/queue.js';
import { settleBulk, type BulkLineReport } from '../../core/review/settle-bulk.js';
import { settleMany } from '../../core/review/settle-many.js';
import { settleHeldScan, type ReviewDeps } from '../../core/review/settle.js';
import type { ReviewDecision } from '../../core/redis/settle-review.js';
import { reasonBits, type ReasonCode } from '../../core/scan/reasons.js';
import type { AdminDeps } from '../context.js';
import { requireRole } from '../auth/require-role.js';
import { html } from '../html.js';
import type { AdminPart } from '../part.js';
import { seesFullPii } from '../users/roles.js';
import { piiView } from './evidence-view.js';
import { queueUrl, reviewQueuePage, reviewReportPage, type QueueQuery } from './review-page.js';
import { reviewTexts } from './review-texts.js';

/** Held scans per page: each shows its evidence (read for the whole page in six bounded, indexed queries). */
export const reviewPageSize = 20;

const slug = { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,39}$' } as const;
const optionalSlug = { type: 'string', pattern: '^$|^[a-z0-9][a-z0-9-]{0,39}$' } as const;
/** Number fields of a GET form arrive as '' when left empty: '' means no filter, not 0. */
const optionalCount = { type: 'string', pattern: '^$|^\\d{1,6}$' } as const;
const scanId = { type: 'string', pattern: '^\\d{1,20}-\\d{1,20}$' } as const;
const decision = { type: 'string', enum: ['approve', 'reject'] } as const;
const note = { type: 'string', maxLength: 1000 } as const;
const back = { type: 'string', pattern: '^/review(\\?[^\\s]*)?$', maxLength: 2048 } as const;
const csrf = { type: 'string', maxLength: 200 } as const;

interface QueueQuerystring {
  campaign?: string;
  reason?: string;
  tier?: string;
  minAgeHours?: string;
  minScore?: string;
  maxScore?: string;
  afterAt?: number;
  afterCampaign?: string;
  afterCode?: string;
}

const count = (text: string | undefined): number | undefined => (text === undefined || text === '' ? undefined : Number(text));
const nonEmpty = (value: string | undefined): string | undefined => (value === '' ? undefined : value);

function queueQuery(q: QueueQuerystring): QueueQuery {
  return { campaign: nonEmpty(q.campaign), reason: nonEmpty(q.reason), tier: nonEmpty(q.tier), minAgeHours: count(q.minAgeHours), minScore: count(q.minScore), maxScore: count(q.maxScore) };
}

function queueFilter(query: QueueQuery): QueueFilter {
  return {
    ...(query.campaign ? { campaignId: query.campaign } : {}),
    ...(query.reason ? { reason: query.reason as ReasonCode } : {}),
    ...(query.tier ? { tierId: query.tier } : {}),
    ...(query.minAgeHours !== undefined ? { minAgeSeconds: query.minAgeHours * 3600 } : {}),
    ...(query.minScore !== undefined ? { minScore: query.minScore } : {}),
    ...(query.maxScore !== undefined ? { maxScore: query.maxScore } : {}),
  };
}

/**
 * The review queue: every role reads it (viewers see devices and addresses masked); reviewers and
 * admins approve or reject one scan, the selected ones, or an uploaded CSV, through core/review.
 */
const plugin: FastifyPluginAsync<AdminDeps> = async (app, { pool, redis, clock }) => {
  const reviewDeps = (): ReviewDeps => {
    if (!redis) throw new ScangateError('GW_ERR_REDIS_UNAVAILABLE', 'the console runs without Redis');
    return { redis: redis.client, pool, keyPrefix: redis.prefix, clock };
  };
  const reviewer = (request: FastifyRequest): string => request.adminUser?.username as string;
  const report = (request: FastifyRequest, reply: FastifyReply, lines: BulkLineReport[], backTo: string) =>
    reply.sendPage({ title: reviewTexts[request.locale].reportTitle, body: reviewReportPage(request.locale, lines, backTo) });

  app.get<{ Querystring: QueueQuerystring }>(
    '/review',
    {
      preHandler: requireRole('admin', 'reviewer', 'viewer'),
      schema: {
        querystring: {
          type: 'object',
          properties: {
            campaign: optionalSlug,
            reason: { type: 'string', enum: ['', ...Object.keys(reasonBits)] },
            tier: { type: 'string', maxLength: 64 },
            minAgeHours: optionalCount,
            minScore: optionalCount,
            maxScore: optionalCount,
            afterAt: { type: 'integer', minimum: 0 },
            afterCampaign: slug,
            afterCode: { type: 'string', maxLength: 64 },
          },
          additionalProperties: false,
        },
      },
    },
    async (request, reply) => {
      const { afterAt, afterCampaign, afterCode } = request.query;
      const query = queueQuery(request.query);
      const filter = queueFilter(query);
      const now = clock();
      const after = afterAt !== undefined && afterCampaign && afterCode ? { redeemedAtMs: afterAt, campaignId: afterCampaign, code: afterCode } : undefined;
      const [backlog, page] = await Promise.all([readReviewBacklog(pool, filter, now), readReviewQueue(pool, filter, { limit: reviewPageSize, ...(after ? { after } : {}) }, now)]);
      const evidence = await readPageEvidence(pool, page.scans, now);
      const scans = page.scans.map((held, at) => ({ held, evidence: evidence[at] as ScanEvidence }));
      const role = request.adminUser?.role ?? 'viewer';
      const body = reviewQueuePage(request.locale, {
        query,
        backlog,
        scans,
        next: page.next,
        self: queueUrl(query),
        pii: piiView(!seesFullPii(role)),
        now,
        ...(role === 'viewer' ? {} : { csrfToken: reply.generateCsrf() }),
      });
      return reply.sendPage({ title: reviewTexts[request.locale].title, body });
    },
  );

  app.post<{ Body: { campaignId: string; code: string; scanId: string; decision: ReviewDecision; note?: string; back?: string } }>(
    '/review/settle',
    {
      preHandler: requireRole('admin', 'reviewer'),
      schema: {
        body: {
          type: 'object',
          properties: { _csrf: csrf, campaignId: slug, code: { type: 'string', pattern: '^[0-9A-Z]{1,64}$' }, scanId, decision, note, back },
          required: ['campaignId', 'code', 'scanId', 'decision'],
          additionalProperties: false,
        },
      },
    },
    async (request, reply) => {
      const { campaignId, code, scanId: id, decision: verdict, note: noteText, back: backTo } = request.body;
      try {
        await settleHeldScan(reviewDeps(), { campaignId, code, scanId: id, decision: verdict, reviewer: reviewer(request), note: noteText || null });
      } catch (err) {
        if (!isScangateError(err)) throw err;
        const refusal = reviewTexts[request.locale].refusals[err.code] ?? err.message;
        return reply.sendPage({ status: err.status, title: reviewTexts[request.locale].title, body: html`<p class="error" role="alert">${refusal}</p><p><a href="${backTo ?? '/review'}">← ${reviewTexts[request.locale].title}</a></p>` });
      }
      return reply.redirect(backTo ?? '/review', 303);
    },
  );

  app.post<{ Body: { scan: string[]; decision: ReviewDecision; note?: string; back?: string } }>(
    '/review/selected',
    {
      preHandler: requireRole('admin', 'reviewer'),
      schema: {
        body: {
          type: 'object',
          properties: {
            _csrf: csrf,
            scan: { type: 'array', minItems: 1, maxItems: 500, items: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,39} [0-9A-Z]{1,64} \\d{1,20}-\\d{1,20}$' } },
            decision,
            note,
            back,
          },
          required: ['scan', 'decision'],
          additionalProperties: false,
        },
      },
    },
    async (request, reply) => {
      const { scan, decision: verdict, note: noteText, back: backTo } = request.body;
      const reviews = scan.map((value) => {
        const [campaignId, code, id] = value.split(' ') as [string, string, string];
        return { campaignId, code, scanId: id, decision: verdict, reviewer: reviewer(request), note: noteText || null };
      });
      const outcomes = await settleMany(reviewDeps(), reviews);
      const lines = outcomes.map((outcome, i) => ({ ...outcome, line: i + 1, scanId: reviews[i]?.scanId as string }));
      return report(request, reply, lines, backTo ?? '/review');
    },
  );

  app.post<{ Body: { csv: string; campaign?: string } }>(
    '/review/bulk',
    {
      preHandler: requireRole('admin', 'reviewer'),
      // an upload of MAX_CSV_LINES lines with notes is larger than the console's 64 KiB default
      bodyLimit: 2 * 1024 * 1024,
      schema: {
        body: { type: 'object', properties: { _csrf: csrf, csv: { type: 'string', minLength: 1, maxLength: 1_500_000 }, campaign: optionalSlug }, required: ['csv'], additionalProperties: false },
      },
    },
    async (request, reply) => {
      const { csv, campaign } = request.body;
      const lines = await settleBulk(reviewDeps(), { csv, reviewer: reviewer(request), ...(campaign ? { campaignId: campaign } : {}) });
      return report(request, reply, lines, queueUrl({ campaign: nonEmpty(campaign) }));
    },
  );
};

export const reviewPart: AdminPart = {
  name: 'review',
  nav: { path: '/review', label: { 'zh-CN': reviewTexts['zh-CN'].title, en: reviewTexts.en.title }, roles: ['admin', 'reviewer', 'viewer'] },
  plugin,
};
