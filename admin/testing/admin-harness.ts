import { randomBytes } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { loadCampaignFile } from '../../config/campaign-schema.js';
import { createBatch, type Batch } from '../../core/campaigns/batches.js';
import { applyCampaign } from '../../core/campaigns/campaign-store.js';
import { createCodeSigner, type CodeSigner } from '../../core/codes/code-signer.js';
import { createCodeVerifier } from '../../core/codes/code-verifier.js';
import { repoPath } from '../../core/paths.js';
import { createTestStack, type TestStack } from '../../core/testing/test-stack.js';
import { buildAdminApp } from '../app.js';
import type { Role } from '../users/roles.js';
import { addUser } from '../users/user-store.js';

/** A console over a test file's own database and Redis prefix, with a clock the test moves. */
export interface AdminHarness {
  readonly stack: TestStack;
  readonly app: FastifyInstance;
  readonly batch: Batch;
  /** signs codes the console's verifier accepts (a key of this harness alone) */
  readonly signer: CodeSigner;
  /** the password of every user `user()` adds */
  readonly password: string;
  now: number;
  user(role: Role, username?: string): Promise<string>;
  agent(remoteAddress?: string): AdminAgent;
  close(): Promise<void>;
}

/** One browser: a cookie jar, an address, and the last form's CSRF token. */
export interface AdminAgent {
  get(url: string, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  /** a form POST carrying the CSRF token of the last page this agent loaded (unless _csrf is given) */
  post(url: string, form?: Record<string, string>): Promise<LightMyRequestResponse>;
  login(username: string, password: string): Promise<LightMyRequestResponse>;
  readonly cookies: Map<string, string>;
  csrfToken: string | undefined;
}

const csrfInPage = /name="_csrf" value="([^"]+)"/;

export async function createAdminHarness(options: { url?: string; loginPerMinute?: number } = {}): Promise<AdminHarness> {
  const stack = await createTestStack();
  const campaign = loadCampaignFile(repoPath('config/campaigns/demo.json'));
  await applyCampaign(stack.pool, campaign, 'test');
  const batch = await createBatch(stack.pool, { campaignId: campaign.id, printedCount: 10, name: 'sh-1', region: 'CN-SH' });
  const password = `pw-${randomBytes(9).toString('base64url')}`;
  const codeKeys = { codeKeys: new Map([[0, randomBytes(32)]]), signingKeyId: 0, retiredKeyIds: new Set<number>() };
  const harness = {
    stack,
    batch,
    signer: createCodeSigner(codeKeys),
    password,
    now: Date.UTC(2026, 2, 10, 4, 0, 0),
  } as AdminHarness;
  const app = await buildAdminApp({
    pool: stack.pool,
    redis: { client: stack.t.redis, prefix: stack.t.prefix },
    clock: () => harness.now,
    verifier: createCodeVerifier(codeKeys),
    url: options.url ?? 'http://127.0.0.1:8081',
    sessionKey: randomBytes(32),
    ...(options.loginPerMinute ? { loginPerMinute: options.loginPerMinute } : {}),
  });
  Object.assign(harness, {
    app,
    async user(role: Role, username = `${role}-${randomBytes(3).toString('hex')}`) {
      await addUser(stack.pool, username, role, password, 'test');
      return username;
    },
    agent: (remoteAddress = '127.0.0.1') => createAgent(app, remoteAddress),
    async close() {
      await app.close();
      await stack.stop();
    },
  });
  return harness;
}

/** A browser of `app`: tests that build the console themselves (over another harness's database) sign in with it. */
export function createAgent(app: FastifyInstance, remoteAddress: string): AdminAgent {
  const cookies = new Map<string, string>();
  const agent: AdminAgent = {
    cookies,
    csrfToken: undefined,
    async get(url, headers = {}) {
      return remember(await app.inject({ method: 'GET', url, remoteAddress, headers: { ...headers, cookie: cookieHeader() } }));
    },
    async post(url, form = {}) {
      const body = new URLSearchParams({ ...(agent.csrfToken === undefined ? {} : { _csrf: agent.csrfToken }), ...form }).toString();
      return remember(
        await app.inject({ method: 'POST', url, remoteAddress, payload: body, headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookieHeader() } }),
      );
    },
    async login(username, password) {
      await agent.get('/login');
      return agent.post('/login', { username, password });
    },
  };
  const cookieHeader = () => [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  function remember(response: LightMyRequestResponse): LightMyRequestResponse {
    for (const cookie of response.cookies) {
      if (cookie.value === '' || (cookie.expires && cookie.expires.getTime() < Date.now())) cookies.delete(cookie.name);
      else cookies.set(cookie.name, cookie.value);
    }
    const token = csrfInPage.exec(response.body)?.[1];
    if (token) agent.csrfToken = token;
    return response;
  }
  return agent;
}
