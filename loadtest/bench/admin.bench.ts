/**
 * Question: with a large scan history, does the admin console answer the review queue, a code
 * trace and a device's history in < 100 ms server time (p95), and settle a held scan in < 5 ms?
 * Seeds `--events` scan events (default 10,000,000) over 10 days into a throwaway database by
 * COPY, with the redemptions they imply (2% held), then times `--runs` requests of each page
 * through the real admin app (`app.inject()`, signed in as a reviewer: routing, session, SQL,
 * rendering; no socket). The review queue is `/review` when that part is present, else the core
 * query `readReviewQueue`. Then runs the settle benchmark (`settle.bench.ts`).
 *   npm run bench -- admin [--events 10000000] [--runs 200]
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { loadAppConfig } from '../../config/app-config.js';
import { loadCampaignFile } from '../../config/campaign-schema.js';
import { adminSessionKey, buildAdminApp } from '../../admin/app.js';
import { addUser } from '../../admin/users/user-store.js';
import { createBatch } from '../../core/campaigns/batches.js';
import { applyCampaign } from '../../core/campaigns/campaign-store.js';
import { createCodeSigner } from '../../core/codes/code-signer.js';
import { createCodeVerifier } from '../../core/codes/code-verifier.js';
import { repoPath } from '../../core/paths.js';
import { readReviewQueue } from '../../core/review/queue.js';
import { bringUpServices } from '../../core/services/stack.js';
import { createTestStack } from '../../core/testing/test-stack.js';
import { seedAdminHistory, seededDevice, seededDeviceOf, seededSerialOf } from './admin-seed.js';
import { countOption } from './options.js';
import { format, percentile, printTable } from './stats.js';
import { run as runSettle } from './settle.bench.js';

const DAYS = 10;

/** Signs in through the login form, as a browser would; returns the session cookie header. */
async function reviewerCookie(app: FastifyInstance, username: string, password: string): Promise<string> {
  const loginPage = await app.inject({ method: 'GET', url: '/login' });
  const token = /name="_csrf" value="([^"]+)"/.exec(loginPage.body)?.[1] ?? '';
  const jar = (cookies: { name: string; value: string }[]) => cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  const response = await app.inject({
    method: 'POST',
    url: '/login',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar(loginPage.cookies) },
    payload: new URLSearchParams({ _csrf: token, username, password }).toString(),
  });
  if (response.statusCode !== 303) throw new Error(`bench login failed: ${response.statusCode}`);
  return jar(response.cookies);
}

async function timeRuns(runs: number, once: (i: number) => Promise<void>): Promise<number[]> {
  const millis: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await once(i);
    millis.push(performance.now() - started);
  }
  return millis.sort((a, b) => a - b);
}

export async function run(args: string[]): Promise<void> {
  const events = countOption(args, 'events', 10_000_000);
  const runs = countOption(args, 'runs', 200);
  const dataDir = fileURLToPath(new URL('../../../.data/bench', import.meta.url));
  const config = loadAppConfig(process.env, { dataDir });
  const services = await bringUpServices(config, { info: () => undefined }, { postgres: { database: 'postgres' } });
  process.env.DATABASE_URL = services.postgres.url;
  process.env.REDIS_URL = services.redis.url;
  const stack = await createTestStack({ poolMax: 4 });
  let app: FastifyInstance | undefined;
  try {
    const campaign = loadCampaignFile(repoPath('config/campaigns/demo.json'));
    await applyCampaign(stack.pool, campaign, 'bench');
    const batch = await createBatch(stack.pool, { campaignId: campaign.id, printedCount: events, name: 'bench-1', region: 'CN-SH' });
    const keys = { codeKeys: new Map([[0, randomBytes(32)]]), signingKeyId: 0, retiredKeyIds: new Set<number>() };
    const signer = createCodeSigner(keys);

    const seedStarted = performance.now();
    await seedAdminHistory(stack.pool, { campaignId: campaign.id, batchId: batch.id, events, days: DAYS, end: Date.now(), signer });
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    console.log(`admin: seeded ${format(events)} scan events + redemptions over ${DAYS} days in ${format(seedSeconds, 1)} s (${format(events / seedSeconds)} rows/s, COPY + INSERT…SELECT + ANALYZE)`);

    app = await buildAdminApp({
      pool: stack.pool,
      redis: { client: stack.t.redis, prefix: stack.t.prefix },
      clock: Date.now,
      verifier: createCodeVerifier(keys),
      url: 'http://127.0.0.1:8081',
      sessionKey: adminSessionKey(randomBytes(32)),
    });
    const password = `bench-${randomBytes(9).toString('base64url')}`;
    await addUser(stack.pool, 'bench-reviewer', 'reviewer', password, 'bench');
    const cookie = await reviewerCookie(app, 'bench-reviewer', password);
    const page = async (url: string) => {
      const response = await (app as FastifyInstance).inject({ method: 'GET', url, headers: { cookie } });
      if (response.statusCode !== 200) throw new Error(`GET ${url}: ${response.statusCode}`);
    };
    // spread over the whole history, so no run is served by the previous one's cache lines alone
    const pick = (i: number) => (Math.floor(((i * 7919) % runs) * (events / runs)) + (i % 97)) % events;

    const hasReviewPage = app.hasRoute({ method: 'GET', url: '/review' });
    const queue = await timeRuns(runs, (i) =>
      hasReviewPage ? page('/review') : readReviewQueue(stack.pool, i % 2 === 0 ? {} : { campaignId: campaign.id }, { limit: 50 }).then(() => undefined),
    );
    const trace = await timeRuns(runs, (i) => page(`/trace?code=${signer.sign(batch.id, seededSerialOf(pick(i)))}`));
    const device = await timeRuns(runs, (i) => page(`/trace?device=${seededDevice(seededDeviceOf(pick(i)))}`));

    const ms = (sorted: number[], p: number) => format(percentile(sorted, p), 1);
    printTable(`admin pages, ${runs} runs each, server time in ms (app.inject, reviewer session; target p95 < 100)`, ['', 'p50', 'p95', 'p99', 'max'], [
      [hasReviewPage ? 'review queue (/review)' : 'review queue (readReviewQueue, 50 rows)', ms(queue, 50), ms(queue, 95), ms(queue, 99), ms(queue, 100)],
      ['code trace (/trace?code=)', ms(trace, 50), ms(trace, 95), ms(trace, 99), ms(trace, 100)],
      ['device history (/trace?device=)', ms(device, 50), ms(device, 95), ms(device, 99), ms(device, 100)],
    ]);
  } finally {
    await app?.close();
    await stack.stop();
    await services.stop();
  }
  await runSettle([]);
}
