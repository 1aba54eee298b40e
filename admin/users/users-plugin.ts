import type { FastifyPluginAsync } from 'fastify';
import type { AdminDeps } from '../context.js';
import { requireRole } from '../auth/require-role.js';
import type { AdminPart } from '../part.js';
import { disableUser, listUsers } from './user-store.js';
import { usersPage, userTexts } from './users-page.js';

/** Admins list the console's users and disable them (which ends their sessions at once). */
const plugin: FastifyPluginAsync<AdminDeps> = async (app, { pool }) => {
  app.get('/users', { preHandler: requireRole('admin') }, async (request, reply) =>
    reply.sendPage({ title: userTexts[request.locale].title, body: usersPage(request.locale, await listUsers(pool), reply.generateCsrf(), request.adminUser?.username ?? '') }),
  );

  app.post<{ Params: { username: string } }>(
    '/users/:username/disable',
    {
      preHandler: requireRole('admin'),
      schema: { params: { type: 'object', properties: { username: { type: 'string', minLength: 1, maxLength: 64 } }, required: ['username'] } },
    },
    async (request, reply) => {
      await disableUser(pool, request.params.username, request.adminUser?.username ?? 'unknown');
      return reply.redirect('/users', 303);
    },
  );
};

export const usersPart: AdminPart = {
  name: 'users',
  nav: { path: '/users', label: { 'zh-CN': userTexts['zh-CN'].title, en: userTexts.en.title }, roles: ['admin'] },
  plugin,
};
