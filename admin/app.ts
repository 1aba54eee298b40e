import { createHmac } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySession from '@fastify/session';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { repoPath } from '../core/paths.js';
import { authPlugin } from './auth/auth-plugin.js';
import { createPgSessionStore } from './auth/session-store.js';
import type { AdminDeps } from './context.js';
import { pagesPlugin } from './pages/pages-plugin.js';
import type { AdminPart } from './part.js';
import { consoleParts } from './parts.js';

export interface AdminAppOptions extends AdminDeps {
  /** the console's URL as browsers see it: https makes every cookie Secure */
  readonly url: string;
  /** keys the session cookie's signature (derived from the secrets' cookie key by the caller) */
  readonly sessionKey: Buffer;
  readonly logger?: FastifyServerOptions['loggerInstance'];
  readonly parts?: readonly AdminPart[];
  /** login POSTs per address per minute before a flat 429, in front of the per-account throttle */
  readonly loginPerMinute?: number;
}

export const sessionCookie = 'sga_sid';

/** The session cookie's signing secret: a key of its own, derived so no new secret needs managing. */
export const adminSessionKey = (cookieKey: Buffer): Buffer => createHmac('sha256', cookieKey).update('scangate admin session').digest();

/**
 * The admin console as a fastify app, not listening (tests use app.inject(); admin/server.ts
 * listens). Security plugins are configured here, once; each part is an encapsulated plugin.
 */
export async function buildAdminApp(options: AdminAppOptions): Promise<FastifyInstance> {
  const secure = new URL(options.url).protocol === 'https:';
  const parts = options.parts ?? consoleParts;
  const nav = parts.map((part) => part.nav);
  const deps: AdminDeps = { pool: options.pool, clock: options.clock, verifier: options.verifier, ...(options.redis ? { redis: options.redis } : {}) };
  // Behind a TLS proxy the request arrives as http from loopback; trusting it lets Secure cookies be set.
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : {}),
    trustProxy: secure ? 'loopback' : false,
    bodyLimit: 64 * 1024,
    // an unknown field is a 400, not silently dropped
    ajv: { customOptions: { removeAdditional: false } },
  });

  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
        ...(secure ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    frameguard: { action: 'deny' },
    strictTransportSecurity: secure,
  });
  await app.register(fastifyCookie);
  await app.register(fastifySession, {
    cookieName: sessionCookie,
    secret: options.sessionKey.toString('base64url'),
    store: createPgSessionStore(options.pool, options.clock),
    saveUninitialized: false,
    rolling: false,
    // no maxAge: a browser-session cookie; idle and absolute expiry are enforced by the store
    cookie: { path: '/', httpOnly: true, sameSite: 'strict', secure },
  });
  await app.register(fastifyFormbody);
  await app.register(fastifyCsrf, { sessionPlugin: '@fastify/session' });
  await app.register(fastifyRateLimit, { global: false });
  await app.register(fastifyStatic, { root: repoPath('admin', 'static'), prefix: '/static/', cacheControl: true, maxAge: 3_600_000 });
  // every state change carries the form's CSRF token (login and logout included)
  app.addHook('preHandler', (request, reply, done) => (request.method === 'GET' || request.method === 'HEAD' ? done() : app.csrfProtection(request, reply, done)));

  await app.register(pagesPlugin, { nav, secureCookies: secure });
  await app.register(authPlugin, { ...deps, nav, loginPerMinute: options.loginPerMinute ?? 30 });
  for (const part of parts) await app.register(part.plugin, deps);
  return app;
}
