import type { FastifyPluginAsync } from 'fastify';
import type { AdminDeps } from '../context.js';
import { requireRole } from '../auth/require-role.js';
import type { AdminPart } from '../part.js';
import { seesFullPii } from '../users/roles.js';
import { auditPage, auditTexts, type AuditQueryText } from './audit-page.js';
import { queryAudit } from './audit-query.js';

/** A day (UTC) or a minute: what the filter form's fields take. */
const timePattern = '^$|^\\d{4}-\\d{2}-\\d{2}([T ]\\d{2}:\\d{2})?$';
const text = { type: 'string', maxLength: 200 } as const;
const time = { type: 'string', pattern: timePattern } as const;

const toDate = (value: string | undefined): Date | undefined => (value ? new Date(`${value.replace(' ', 'T')}${value.length === 10 ? 'T00:00' : ''}Z`) : undefined);
const orUndefined = (value: string | undefined): string | undefined => (value === '' ? undefined : value);

/** The audit log, read-only, filterable by actor, action, subject prefix and time. Every role may read it; viewers see addresses masked. */
const plugin: FastifyPluginAsync<AdminDeps> = async (app, { pool }) => {
  app.get<{ Querystring: AuditQueryText & { before?: number } }>(
    '/audit',
    {
      preHandler: requireRole('admin', 'reviewer', 'viewer'),
      schema: {
        querystring: {
          type: 'object',
          properties: { actor: text, action: text, subject: text, from: time, to: time, before: { type: 'integer', minimum: 1 } },
          additionalProperties: false,
        },
      },
    },
    async (request, reply) => {
      const { before, ...query } = request.query;
      const rows = await queryAudit(
        pool,
        {
          actor: orUndefined(query.actor),
          action: orUndefined(query.action),
          subject: orUndefined(query.subject),
          from: toDate(query.from),
          to: toDate(query.to),
        },
        before,
      );
      const user = request.adminUser;
      return reply.sendPage({ title: auditTexts[request.locale].title, body: auditPage(request.locale, query, rows, !user || !seesFullPii(user.role)) });
    },
  );
};

export const auditPart: AdminPart = {
  name: 'audit',
  nav: { path: '/audit', label: { 'zh-CN': auditTexts['zh-CN'].title, en: auditTexts.en.title }, roles: ['admin', 'reviewer', 'viewer'] },
  plugin,
};
