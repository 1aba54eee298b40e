import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import fp from 'fastify-plugin';
import { isScangateError } from '../../core/errors.js';
import type { NavEntry, PageContent } from '../context.js';
import { html } from '../html.js';
import { commonTexts } from '../i18n/messages.js';
import { isLocale, localeCookie, locales, pickLocale } from '../i18n/locale.js';
import { renderFrame } from './layout.js';

/** A path of this console to return to: one leading slash, no scheme or host (no open redirect). */
export const localPathPattern = '^/(?![/\\\\])[^\\s]*$';

/**
 * The frame every part renders into: the request's locale (switch cookie, Accept-Language),
 * reply.sendPage, the language switch, and error pages (400 from a schema, 403 from CSRF, 404).
 */
export const pagesPlugin = fp<{ nav: readonly NavEntry[]; secureCookies: boolean }>(async (app: FastifyInstance, options) => {
  app.decorateRequest('locale', 'zh-CN');
  app.addHook('onRequest', async (request) => {
    request.locale = pickLocale(request.cookies[localeCookie], request.headers['accept-language']);
  });

  app.decorateReply('sendPage', function sendPage(this: FastifyReply, content: PageContent) {
    const request = this.request;
    const user = request.adminUser;
    const body = renderFrame({
      locale: request.locale,
      title: content.title,
      body: content.body,
      user,
      nav: user ? options.nav.filter((entry) => entry.roles.includes(user.role)) : [],
      path: request.url,
      ...(user ? { csrfToken: this.generateCsrf() } : {}),
    });
    return this.code(content.status ?? 200)
      .header('cache-control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(body.text);
  });

  app.get<{ Params: { locale: string }; Querystring: { back?: string } }>(
    '/lang/:locale',
    {
      schema: {
        params: { type: 'object', properties: { locale: { type: 'string', enum: [...locales] } }, required: ['locale'] },
        querystring: { type: 'object', properties: { back: { type: 'string', pattern: localPathPattern, maxLength: 2048 } }, additionalProperties: false },
      },
    },
    async (request, reply) => {
      const locale = request.params.locale;
      if (!isLocale(locale)) return reply.callNotFound();
      reply.setCookie(localeCookie, locale, { path: '/', sameSite: 'strict', httpOnly: true, secure: options.secureCookies, maxAge: 365 * 86_400 });
      return reply.redirect(request.query.back ?? '/', 303);
    },
  );

  app.setNotFoundHandler(async (request, reply) => reply.sendPage({ status: 404, title: commonTexts[request.locale].notFoundTitle, body: html`` }));

  app.setErrorHandler(async (error: FastifyError | Error, request, reply) => {
    const texts = commonTexts[request.locale];
    if ('validation' in error && error.validation) return reply.sendPage({ status: 400, title: texts.badRequestTitle, body: html`<p>${error.message}</p>` });
    const code = 'code' in error ? String(error.code) : '';
    if (code.startsWith('FST_CSRF')) return reply.sendPage({ status: 403, title: texts.csrfTitle, body: html`<p>${texts.csrf}</p>` });
    if (isScangateError(error)) return reply.sendPage({ status: error.status, title: error.code, body: html`<p>${error.message}</p>` });
    if ('statusCode' in error && error.statusCode === 429) return reply.code(429).type('text/plain; charset=utf-8').send(texts.loginFailed);
    request.log.error({ err: error }, 'admin request failed');
    return reply.sendPage({ status: 500, title: 'Error', body: html`<p>internal error</p>` });
  });
});
