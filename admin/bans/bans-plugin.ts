import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { banSubject, liftBan, listBans, type BanDeps } from '../../core/bans/bans.js';
import { banKinds, type BanKind } from '../../core/bans/ban-subjects.js';
import { loadCampaigns } from '../../core/campaigns/campaign-store.js';
import { isScangateError, ScangateError } from '../../core/errors.js';
import { requireRole } from '../auth/require-role.js';
import type { AdminDeps } from '../context.js';
import type { AdminPart } from '../part.js';
import { seesFullPii } from '../users/roles.js';
import { banExpiry, banExpiryPattern } from './ban-expiry.js';
import { bansPage, type BanFilterText, type BanFormText, type BansView } from './bans-page.js';
import { banTexts } from './bans-texts.js';

const campaignId = { type: 'string', maxLength: 64 } as const;
const kind = { type: 'string', enum: ['', ...banKinds] } as const;
const subject = { type: 'string', maxLength: 200 } as const;
const orUndefined = (value: string | undefined): string | undefined => (value === '' ? undefined : value);

/** What core/bans refuses because of what was typed: shown on the form, not as an error page. */
const isInputError = (err: unknown): err is ScangateError => isScangateError(err, 'GW_ERR_BAN_INVALID') || isScangateError(err, 'GW_ERR_CAMPAIGN_UNKNOWN');

/**
 * Bans: every role lists them (viewers see subjects masked); reviewers and admins ban a device,
 * address or network in one campaign or everywhere, and lift bans, through core/bans (which
 * audits each change and mirrors it into the campaigns' Redis `bans` hashes).
 */
const plugin: FastifyPluginAsync<AdminDeps> = async (app, { pool, redis, clock }) => {
  const readDeps = { pool, now: clock };
  const writeDeps = (): BanDeps => {
    if (!redis) throw new ScangateError('GW_ERR_REDIS_UNAVAILABLE', 'the console runs without Redis, so bans cannot reach the gateway');
    return { pool, redis: redis.client, keyPrefix: redis.prefix, now: clock };
  };

  async function render(request: FastifyRequest, reply: FastifyReply, filter: BanFilterText, extra: Pick<BansView, 'form' | 'error'> = {}, status = 200) {
    const role = request.adminUser?.role;
    const canWrite = role === 'admin' || role === 'reviewer';
    let bans: BansView['bans'] = [];
    let error = extra.error;
    try {
      bans = await listBans(readDeps, {
        ...(filter.campaign ? { campaignId: filter.campaign } : {}),
        ...(filter.kind ? { kind: filter.kind as BanKind } : {}),
        ...(filter.value ? { value: filter.value } : {}),
        inForce: filter.inForce !== '0',
      });
    } catch (err) {
      if (!isInputError(err)) throw err;
      error ??= err.message;
      status = 400;
    }
    const view: BansView = {
      filter,
      bans,
      campaignIds: (await loadCampaigns(pool)).map((campaign) => campaign.id),
      now: clock(),
      maskPii: !role || !seesFullPii(role),
      ...(canWrite ? { csrfToken: reply.generateCsrf() } : {}),
      ...(extra.form ? { form: extra.form } : {}),
      ...(error ? { error } : {}),
    };
    return reply.sendPage({ status, title: banTexts[request.locale].title, body: bansPage(request.locale, view) });
  }

  app.get<{ Querystring: BanFilterText }>(
    '/bans',
    {
      preHandler: requireRole('admin', 'reviewer', 'viewer'),
      schema: {
        querystring: {
          type: 'object',
          properties: { campaign: campaignId, kind, value: subject, inForce: { type: 'string', enum: ['0', '1'] } },
          additionalProperties: false,
        },
      },
    },
    async (request, reply) => {
      const { campaign, kind: kindText, value, inForce } = request.query;
      const filter = {
        ...(orUndefined(campaign) ? { campaign } : {}),
        ...(orUndefined(kindText) ? { kind: kindText } : {}),
        ...(orUndefined(value?.trim()) ? { value } : {}),
        ...(inForce ? { inForce } : {}),
      };
      return render(request, reply, filter);
    },
  );

  app.post<{ Body: Required<BanFormText> & { _csrf: string } }>(
    '/bans',
    {
      preHandler: requireRole('admin', 'reviewer'),
      schema: {
        body: {
          type: 'object',
          properties: {
            _csrf: { type: 'string' },
            kind: { type: 'string', enum: [...banKinds] },
            value: subject,
            scope: campaignId,
            reason: { type: 'string', maxLength: 500 },
            expires: { type: 'string', pattern: banExpiryPattern },
          },
          required: ['kind', 'value', 'scope', 'reason', 'expires'],
          additionalProperties: false,
        },
      },
    },
    async (request, reply) => {
      const { _csrf, ...form } = request.body;
      try {
        await banSubject(writeDeps(), {
          scope: form.scope === '' ? null : form.scope,
          kind: form.kind as BanKind,
          value: form.value,
          reason: form.reason,
          expiresAt: banExpiry(form.expires, clock()),
          actor: request.adminUser?.username ?? 'unknown',
        });
      } catch (err) {
        if (!isInputError(err)) throw err;
        return render(request, reply, {}, { form, error: err.message }, 400);
      }
      return reply.redirect('/bans', 303);
    },
  );

  app.post<{ Params: { id: number } }>(
    '/bans/:id/lift',
    {
      preHandler: requireRole('admin', 'reviewer'),
      schema: { params: { type: 'object', properties: { id: { type: 'integer', minimum: 1 } }, required: ['id'] } },
    },
    async (request, reply) => {
      await liftBan(writeDeps(), { id: request.params.id, actor: request.adminUser?.username ?? 'unknown' });
      return reply.redirect('/bans', 303);
    },
  );
};

export const bansPart: AdminPart = {
  name: 'bans',
  nav: { path: '/bans', label: { 'zh-CN': banTexts['zh-CN'].title, en: banTexts.en.title }, roles: ['admin', 'reviewer', 'viewer'] },
  plugin,
};
