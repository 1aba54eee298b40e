import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { AdminDeps, NavEntry, SignedInUser } from '../context.js';
import { writeAudit } from '../audit/audit-writer.js';
import { commonTexts } from '../i18n/messages.js';
import { localPathPattern } from '../pages/pages-plugin.js';
import { decoyHash, verifyPassword } from '../users/password.js';
import { findLoginUser } from '../users/user-store.js';
import type { Role } from '../users/roles.js';
import { accountKey, addressKey, createLoginThrottle } from './login-throttle.js';
import { loginForm } from './login-page.js';

interface LoginBody {
  username: string;
  password: string;
  next?: string;
}

const nextSchema = { type: 'string', pattern: localPathPattern, maxLength: 2048 } as const;

/**
 * Who is signed in (every request re-reads the account: a disabled user is out at once), the
 * login with its throttle and audit trail, logout, and `/` sending each role to its first page.
 */
export const authPlugin = fp<AdminDeps & { nav: readonly NavEntry[]; loginPerMinute: number }>(async (app: FastifyInstance, options) => {
  const { pool, clock } = options;
  const throttle = createLoginThrottle(pool, clock);

  app.decorateRequest('adminUser', null);
  app.addHook('onRequest', async (request) => {
    const userId = request.session.get('userId');
    if (userId === undefined) return;
    const { rows } = await pool.query<{ id: string; username: string; role: Role }>(
      'SELECT id, username, role FROM admin_users WHERE id = $1 AND disabled_at IS NULL',
      [userId],
    );
    const row = rows[0];
    if (row) request.adminUser = { id: Number(row.id), username: row.username, role: row.role };
    else await request.session.destroy();
  });

  const showLogin = (request: FastifyRequest, reply: FastifyReply, next: string | undefined, failed: boolean) =>
    reply.sendPage({ status: failed ? 401 : 200, title: commonTexts[request.locale].loginTitle, body: loginForm(request.locale, reply.generateCsrf(), next, failed) });

  app.get<{ Querystring: { next?: string } }>(
    '/login',
    { schema: { querystring: { type: 'object', properties: { next: nextSchema }, additionalProperties: false } } },
    async (request, reply) => (request.adminUser ? reply.redirect(request.query.next ?? '/', 303) : showLogin(request, reply, request.query.next, false)),
  );

  app.post<{ Body: LoginBody }>(
    '/login',
    {
      config: { rateLimit: { max: options.loginPerMinute, timeWindow: 60_000 } },
      schema: {
        body: {
          type: 'object',
          properties: { username: { type: 'string', minLength: 1, maxLength: 64 }, password: { type: 'string', minLength: 1, maxLength: 256 }, next: nextSchema, _csrf: { type: 'string' } },
          required: ['username', 'password'],
          additionalProperties: false,
        },
      },
    },
    async (request, reply) => {
      const { username, password, next } = request.body;
      const address = request.ip;
      const keys = [accountKey(username), addressKey(address)];
      const attempt = (action: string) => writeAudit(pool, { actor: username, action, subject: `user:${username}`, detail: { address } }, new Date(clock()));
      if ((await throttle.allowedAt(keys)) > clock()) {
        await attempt('login.throttled');
        return showLogin(request, reply, next, true);
      }
      const user = await findLoginUser(pool, username);
      // an unknown name costs the same hash as a known one
      const matches = await verifyPassword(user?.passwordHash ?? (await decoyHash()), password);
      if (!user || !matches) {
        await throttle.recordFailure(keys);
        await attempt('login.failed');
        return showLogin(request, reply, next, true);
      }
      await throttle.clear(accountKey(username));
      await attempt('login.ok');
      await request.session.regenerate();
      request.session.set('userId', user.id);
      return reply.redirect(next ?? '/', 303);
    },
  );

  app.post('/logout', async (request, reply) => {
    const user: SignedInUser | null = request.adminUser;
    if (user) await writeAudit(pool, { actor: user.username, action: 'logout', subject: `user:${user.username}` }, new Date(clock()));
    await request.session.destroy();
    return reply.redirect('/login', 303);
  });

  app.get('/', async (request, reply) => {
    const user = request.adminUser;
    if (!user) return reply.redirect('/login', 303);
    const first = options.nav.find((entry) => entry.roles.includes(user.role));
    return reply.redirect(first?.path ?? '/login', 303);
  });
});
