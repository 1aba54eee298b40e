import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { commonTexts } from '../i18n/messages.js';
import { html } from '../html.js';
import type { Role } from '../users/roles.js';

/** A route's guard: no session → the login page; a role not listed → 403. */
export function requireRole(...allowed: Role[]): preHandlerAsyncHookHandler {
  return async function checkRole(request: FastifyRequest, reply: FastifyReply) {
    const user = request.adminUser;
    if (!user) return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`, 303);
    if (!allowed.includes(user.role)) {
      const texts = commonTexts[request.locale];
      return reply.sendPage({ status: 403, title: texts.forbiddenTitle, body: html`<p>${texts.forbidden}</p>` });
    }
  };
}
