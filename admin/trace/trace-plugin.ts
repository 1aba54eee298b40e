import type { FastifyPluginAsync } from 'fastify';
import { traceCode, traceScan } from '../../core/trace/code-trace.js';
import { traceDevice } from '../../core/trace/device-trace.js';
import { requireRole } from '../auth/require-role.js';
import type { AdminDeps } from '../context.js';
import { html } from '../html.js';
import type { AdminPart } from '../part.js';
import { seesFullPii } from '../users/roles.js';
import { codeTracePage, deviceTracePage, traceForms, type TraceQuery } from './trace-page.js';
import { traceTexts } from './trace-texts.js';

/**
 * The code trace: one code (any spelling, or its printed URL), the code of one scan id, or one
 * device's history. Read-only, so every role may trace; viewers see devices and addresses masked.
 */
const plugin: FastifyPluginAsync<AdminDeps> = async (app, { pool, verifier, clock }) => {
  const deps = { pool, verifier, now: clock };
  app.get<{ Querystring: TraceQuery }>(
    '/trace',
    {
      preHandler: requireRole('admin', 'reviewer', 'viewer'),
      schema: {
        querystring: {
          type: 'object',
          properties: {
            code: { type: 'string', maxLength: 200 },
            // a stream entry id: <ms>-<sequence>
            scan: { type: 'string', pattern: '^$|^\\d{1,15}-\\d{1,15}$' },
            // a device id is 22 base64url characters; shorter or longer ones are looked up, finding nothing
            device: { type: 'string', pattern: '^$|^[A-Za-z0-9_-]{1,64}$' },
          },
          additionalProperties: false,
          maxProperties: 1,
        },
      },
    },
    async (request, reply) => {
      const { locale } = request;
      const role = request.adminUser?.role;
      const shown = { locale, maskPii: !role || !seesFullPii(role), now: clock() };
      const query = request.query;
      const forms = traceForms(locale, query);
      const page = (body: ReturnType<typeof html>, status = 200) => reply.sendPage({ status, title: traceTexts[locale].title, body: html`${forms}${body}` });
      if (query.code?.trim()) return page(codeTracePage(shown, await traceCode(deps, query.code)));
      if (query.scan) {
        const trace = await traceScan(deps, query.scan);
        return trace ? page(codeTracePage(shown, trace, query.scan)) : page(html`<p class="error" role="alert">${traceTexts[locale].noScan}</p>`, 404);
      }
      if (query.device) return page(deviceTracePage(shown, await traceDevice(deps, query.device)));
      return page(html``);
    },
  );
};

export const tracePart: AdminPart = {
  name: 'trace',
  nav: { path: '/trace', label: { 'zh-CN': traceTexts['zh-CN'].title, en: traceTexts.en.title }, roles: ['admin', 'reviewer', 'viewer'] },
  plugin,
};
