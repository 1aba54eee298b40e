import type { FastifyPluginAsync } from 'fastify';
import { listBatches, setBatchStatus } from '../../core/campaigns/batches.js';
import type { AdminDeps } from '../context.js';
import { requireRole } from '../auth/require-role.js';
import type { AdminPart } from '../part.js';
import { batchesPage, batchTexts } from './batches-page.js';

/** Every role lists batches; only admins (de)activate them, through core's setBatchStatus like `scangate batch`. */
const plugin: FastifyPluginAsync<AdminDeps> = async (app, { pool, redis }) => {
  app.get('/batches', { preHandler: requireRole('admin', 'reviewer', 'viewer') }, async (request, reply) => {
    const canChange = request.adminUser?.role === 'admin';
    return reply.sendPage({ title: batchTexts[request.locale].title, body: batchesPage(request.locale, await listBatches(pool), canChange ? reply.generateCsrf() : undefined) });
  });

  app.post<{ Params: { id: number; change: 'activate' | 'deactivate' } }>(
    '/batches/:id/:change',
    {
      preHandler: requireRole('admin'),
      schema: {
        params: {
          type: 'object',
          properties: { id: { type: 'integer', minimum: 1, maximum: 33_554_431 }, change: { type: 'string', enum: ['activate', 'deactivate'] } },
          required: ['id', 'change'],
        },
      },
    },
    async (request, reply) => {
      await setBatchStatus(pool, request.params.id, request.params.change === 'activate', redis, request.adminUser?.username);
      return reply.redirect('/batches', 303);
    },
  );
};

export const batchesPart: AdminPart = {
  name: 'batches',
  nav: { path: '/batches', label: { 'zh-CN': batchTexts['zh-CN'].title, en: batchTexts.en.title }, roles: ['admin', 'reviewer', 'viewer'] },
  plugin,
};
