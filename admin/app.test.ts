import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaignKeys } from '../core/redis/keys.js';
import { sessionLimits } from './auth/session-store.js';
import { throttlePolicy } from './auth/login-throttle.js';
import { createAdminHarness, type AdminAgent, type AdminHarness } from './testing/admin-harness.js';
import type { Role } from './users/roles.js';

let h: AdminHarness;
const users = {} as Record<Role, string>;
const minute = 60_000;

beforeAll(async () => {
  h = await createAdminHarness();
  for (const role of ['admin', 'reviewer', 'viewer'] as const) users[role] = await h.user(role);
});

afterAll(() => h?.close());

async function signedIn(role: Role, address?: string): Promise<AdminAgent> {
  const agent = h.agent(address);
  const response = await agent.login(users[role], h.password);
  expect(response.statusCode).toBe(303);
  return agent;
}

const auditActions = async (action: string) =>
  (await h.stack.pool.query<{ actor: string }>('SELECT actor FROM audit_log WHERE action = $1 ORDER BY id', [action])).rows.map((r) => r.actor);

describe('routes × roles', () => {
  const pages: [string, Role[]][] = [
    ['/audit', ['admin', 'reviewer', 'viewer']],
    ['/batches', ['admin', 'reviewer', 'viewer']],
    ['/users', ['admin']],
  ];

  it.each(['admin', 'reviewer', 'viewer'] as const)('%s opens the pages its role allows and gets 403 on the others', async (role) => {
    const agent = await signedIn(role);
    for (const [url, allowed] of pages) {
      const response = await agent.get(url);
      expect(response.statusCode, `${role} GET ${url}`).toBe(allowed.includes(role) ? 200 : 403);
      expect(response.headers['cache-control']).toBe('no-store');
    }
    const changes = [`/batches/${h.batch.id}/activate`, `/batches/${h.batch.id}/deactivate`, `/users/nobody-${role}/disable`];
    for (const url of changes) {
      await agent.get('/audit');
      const response = await agent.post(url);
      expect(response.statusCode, `${role} POST ${url}`).toBe(role === 'admin' ? (url.startsWith('/users') ? 404 : 303) : 403);
    }
  });

  it('sends a request without a session to the login page, and refuses its POSTs (no CSRF secret)', async () => {
    const agent = h.agent();
    for (const [url] of pages) {
      const response = await agent.get(url);
      expect(response.statusCode).toBe(303);
      expect(response.headers.location).toBe(`/login?next=${encodeURIComponent(url)}`);
    }
    expect((await agent.post(`/batches/${h.batch.id}/activate`)).statusCode).toBe(403);
  });

  it('admins activate and deactivate a batch through core: Postgres, the Redis mirror and the audit log agree', async () => {
    const agent = await signedIn('admin');
    await agent.get('/batches');
    expect((await agent.post(`/batches/${h.batch.id}/activate`)).statusCode).toBe(303);
    const batchesKey = campaignKeys(h.stack.t.prefix, h.batch.campaignId).batches;
    expect(await h.stack.t.redis.hget(batchesKey, String(h.batch.id))).toBe('1');
    expect((await agent.get('/batches')).body).toMatch(/status-active/);
    await agent.post(`/batches/${h.batch.id}/deactivate`);
    expect(await h.stack.t.redis.hget(batchesKey, String(h.batch.id))).toBe('0');
    expect(await auditActions('batch.deactivate')).toContain(users.admin);
  });

  it('answers bad params with 400 from the schema', async () => {
    const agent = await signedIn('admin');
    await agent.get('/batches');
    expect((await agent.post('/batches/abc/activate')).statusCode).toBe(400);
    expect((await agent.post(`/batches/${h.batch.id}/explode`)).statusCode).toBe(400);
    expect((await agent.get('/audit?before=1%20OR%201=1')).statusCode).toBe(400);
    expect((await agent.get('/audit?nope=1')).statusCode).toBe(400);
    expect((await agent.get('/login?next=//evil.example.com')).statusCode).toBe(400);
  });
});

describe('CSRF', () => {
  it('refuses a state change with the token missing or wrong (403), and changes nothing', async () => {
    const agent = await signedIn('admin');
    await agent.get('/batches');
    const token = agent.csrfToken;
    agent.csrfToken = undefined;
    expect((await agent.post(`/batches/${h.batch.id}/activate`)).statusCode).toBe(403);
    expect((await agent.post(`/batches/${h.batch.id}/activate`, { _csrf: 'forged-token' })).statusCode).toBe(403);
    const { rows } = await h.stack.pool.query<{ status: string }>('SELECT status FROM code_batches WHERE id = $1', [h.batch.id]);
    expect(rows[0]?.status).toBe('inactive');
    // another session's valid token is no good either
    const other = await signedIn('admin');
    await other.get('/batches');
    expect((await agent.post(`/batches/${h.batch.id}/activate`, { _csrf: other.csrfToken as string })).statusCode).toBe(403);
    agent.csrfToken = token;
    expect((await agent.post('/logout')).statusCode).toBe(303);
  });
});

describe('login', () => {
  it('answers one generic message for an unknown user and a wrong password, and audits every attempt', async () => {
    const agent = h.agent('198.51.100.1');
    const unknown = await agent.login('no-such-user', h.password);
    const wrong = await agent.login(users.viewer, 'wrong-password-123');
    expect(unknown.statusCode).toBe(401);
    expect(wrong.statusCode).toBe(401);
    const message = (body: string) => /role="alert">([^<]+)</.exec(body)?.[1];
    expect(message(unknown.body)).toBeDefined();
    expect(message(unknown.body)).toBe(message(wrong.body));
    expect(await auditActions('login.failed')).toEqual(expect.arrayContaining(['no-such-user', users.viewer]));
    expect(await auditActions('login.ok')).toContain(users.admin);
  });

  it('slows an account down after a few failures, then locks it, whatever the address', async () => {
    const name = await h.user('viewer');
    let address = 0;
    const attempt = (password: string) => h.agent(`203.0.113.${++address}`).login(name, password);
    for (let i = 0; i < throttlePolicy.freeFailures; i++) expect((await attempt('wrong-password-123')).statusCode).toBe(401);
    // past the free failures the right password is refused until the delay has passed
    expect((await attempt(h.password)).statusCode).toBe(401);
    h.now += 1000;
    expect((await attempt(h.password)).statusCode).toBe(303);
    for (let i = 0; i < throttlePolicy.lockAfter; i++) {
      h.now += throttlePolicy.maxDelayMs;
      await attempt('wrong-password-123');
    }
    h.now += throttlePolicy.maxDelayMs;
    expect((await attempt(h.password)).statusCode).toBe(401);
    expect(await auditActions('login.throttled')).toContain(name);
    h.now += throttlePolicy.lockMs;
    expect((await attempt(h.password)).statusCode).toBe(303);
  });

  it('slows an address down across accounts', async () => {
    const agent = () => h.agent('192.0.2.9');
    for (let i = 0; i <= throttlePolicy.freeFailures; i++) await agent().login(`guess-${i}`, 'wrong-password-123');
    expect((await agent().login(users.reviewer, h.password)).statusCode).toBe(401);
    expect((await h.agent('192.0.2.10').login(users.reviewer, h.password)).statusCode).toBe(303);
    h.now += throttlePolicy.lockMs;
  });

  it('sets the session cookie HttpOnly and SameSite=Strict (not Secure on http), and the security headers', async () => {
    const agent = h.agent();
    const page = await agent.get('/login');
    expect(page.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    expect(page.headers['content-security-policy']).toMatch(/script-src 'self'(;|$)/);
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.body).not.toMatch(/<script>|\son[a-z]+="/);
    const response = await agent.post('/login', { username: users.viewer, password: h.password });
    const cookie = response.cookies.find((c) => c.name === 'sga_sid');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(cookie?.secure).toBeFalsy();
    const { rows } = await h.stack.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM admin_sessions WHERE id_hash = sha256(convert_to($1, \'UTF8\'))', [
      decodeURIComponent(cookie?.value ?? '').split('.')[0],
    ]);
    expect(rows[0]?.n).toBe(1);
  });
});

describe('sessions', () => {
  it('end after 30 idle minutes', async () => {
    const agent = await signedIn('viewer');
    h.now += sessionLimits.idleMs - minute;
    expect((await agent.get('/audit')).statusCode).toBe(200);
    h.now += sessionLimits.idleMs - minute;
    expect((await agent.get('/audit')).statusCode).toBe(200);
    h.now += sessionLimits.idleMs + 1;
    expect((await agent.get('/audit')).statusCode).toBe(303);
    // the next session written sweeps every idle one (pre-login sessions of abandoned login pages included)
    await h.agent().get('/login');
    const { rows } = await h.stack.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM admin_sessions WHERE last_seen_at <= $1', [new Date(h.now - sessionLimits.idleMs)]);
    expect(rows[0]?.n).toBe(0);
  });

  it('end 12 hours after login, however active', async () => {
    const agent = await signedIn('viewer');
    const end = h.now + sessionLimits.absoluteMs;
    while (h.now + 20 * minute < end) {
      h.now += 20 * minute;
      expect((await agent.get('/audit')).statusCode).toBe(200);
    }
    h.now = end + 1;
    expect((await agent.get('/audit')).statusCode).toBe(303);
  });

  it('end at logout', async () => {
    const agent = await signedIn('reviewer');
    await agent.get('/audit');
    const jar = new Map(agent.cookies);
    expect((await agent.post('/logout')).statusCode).toBe(303);
    for (const [name, value] of jar) agent.cookies.set(name, value);
    expect((await agent.get('/audit')).statusCode).toBe(303);
    expect(await auditActions('logout')).toContain(users.reviewer);
  });

  it('of a user end the moment an admin disables them', async () => {
    const name = await h.user('reviewer');
    const victim = h.agent();
    expect((await victim.login(name, h.password)).statusCode).toBe(303);
    expect((await victim.get('/audit')).statusCode).toBe(200);
    const admin = await signedIn('admin');
    await admin.get('/users');
    expect((await admin.post(`/users/${name}/disable`)).statusCode).toBe(303);
    expect((await victim.get('/audit')).statusCode).toBe(303);
    expect((await h.agent().login(name, h.password)).statusCode).toBe(401);
    const { rows } = await h.stack.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM admin_sessions s JOIN admin_users u ON u.id = s.user_id WHERE u.username = $1', [name]);
    expect(rows[0]?.n).toBe(0);
  });

  it('are Secure when the console is served over https', async () => {
    const https = await createAdminHarness({ url: 'https://admin.example.com' });
    try {
      const name = await https.user('viewer');
      await https.app.inject({ method: 'GET', url: '/login' });
      const page = await https.app.inject({ method: 'GET', url: '/login', headers: { 'x-forwarded-proto': 'https' } });
      const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
      const sid = page.cookies.find((c) => c.name === 'sga_sid');
      expect(sid?.secure).toBe(true);
      const response = await https.app.inject({
        method: 'POST',
        url: '/login',
        headers: { 'x-forwarded-proto': 'https', 'content-type': 'application/x-www-form-urlencoded', cookie: `sga_sid=${sid?.value}` },
        payload: new URLSearchParams({ _csrf: token, username: name, password: https.password }).toString(),
      });
      expect(response.statusCode).toBe(303);
      expect(response.cookies.find((c) => c.name === 'sga_sid')).toMatchObject({ secure: true, httpOnly: true, sameSite: 'Strict' });
      expect(response.headers['strict-transport-security']).toBeDefined();
    } finally {
      await https.close();
    }
  });
});

describe('audit page', () => {
  it('renders attacker-controlled text escaped (a <script> typed as a username)', async () => {
    await h.agent('198.51.100.77').login('<script>alert(1)</script>', 'wrong-password-123');
    const agent = await signedIn('admin');
    const page = await agent.get(`/audit?action=login.failed`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.body).not.toContain('<script>alert(1)');
  });

  it('filters by actor, action, subject and time; SQL in a filter is only text', async () => {
    const agent = await signedIn('admin');
    const rowsOf = async (query: string) => {
      const page = await agent.get(`/audit?${query}`);
      expect(page.statusCode, query).toBe(200);
      return (page.body.match(/<tr><td class="nowrap">/g) ?? []).length;
    };
    const all = await rowsOf('');
    expect(all).toBeGreaterThan(5);
    expect(await rowsOf(`actor=${encodeURIComponent(users.admin)}&action=login.ok`)).toBeGreaterThan(0);
    expect(await rowsOf('subject=batch%3A')).toBeGreaterThan(0);
    expect(await rowsOf('from=2026-03-10&to=2026-03-11')).toBeGreaterThan(0);
    expect(await rowsOf('to=2000-01-01')).toBe(0);
    for (const attack of ["' OR '1'='1", "x'; DELETE FROM audit_log; --", '%', "') OR true --"]) {
      const q = encodeURIComponent(attack);
      expect(await rowsOf(`actor=${q}`)).toBe(0);
      expect(await rowsOf(`action=${q}`)).toBe(0);
      expect(await rowsOf(`subject=${q}`)).toBe(0);
    }
    expect((await agent.get(`/audit?from=${encodeURIComponent("2026-01-01' OR 1=1")}`)).statusCode).toBe(400);
    expect(await rowsOf('')).toBeGreaterThanOrEqual(all);
  });

  it('masks addresses for viewers, not for reviewers', async () => {
    await h.agent('198.51.100.200').login('mask-probe', 'wrong-password-123');
    const viewer = await (await signedIn('viewer')).get('/audit?actor=mask-probe');
    expect(viewer.body).toContain('198.51.100.0/24');
    expect(viewer.body).not.toContain('198.51.100.200');
    const reviewer = await (await signedIn('reviewer')).get('/audit?actor=mask-probe');
    expect(reviewer.body).toContain('198.51.100.200');
  });

  it('has no route that changes the audit log', async () => {
    const agent = await signedIn('admin');
    await agent.get('/audit');
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH'] as const)
      expect((await h.app.inject({ method, url: '/audit', headers: { cookie: [...agent.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } })).statusCode).toBeGreaterThanOrEqual(403);
  });
});

describe('language', () => {
  it('follows Accept-Language, and the switch sticks', async () => {
    const agent = await signedIn('viewer');
    expect((await agent.get('/audit', { 'accept-language': 'en-US,en;q=0.9' })).body).toMatch(/<h1>Audit log<\/h1>/);
    expect((await agent.get('/audit')).body).toMatch(/<h1>审计日志<\/h1>/);
    const switched = await agent.get('/lang/en?back=%2Faudit');
    expect(switched.statusCode).toBe(303);
    expect(switched.headers.location).toBe('/audit');
    expect((await agent.get('/audit', { 'accept-language': 'zh-CN' })).body).toMatch(/<html lang="en">/);
    expect((await agent.get('/lang/fr')).statusCode).toBe(400);
    expect((await agent.get('/lang/en?back=https%3A%2F%2Fevil.example.com')).statusCode).toBe(400);
  });
});
