/**
 * Question: with a large scan history, does the admin console answer the review queue, a code
 * trace and a device's history in < 100 ms server time (p95), and settle a held scan in < 5 ms?
 * Seeds `--events` scan events (default 10,000,000) over 10 days into a throwaway database by
 * COPY, with the redemptions they imply (2% held), then times `--runs` requests of each page
 * through the real admin app (`app.inject()`, signed in as a reviewer: routing, session, SQL,
 * rendering; no socket), and the review page's parts one by one (backlog, queue rows, evidence,
 * rendering; a filtered backlog). Then runs the settle benchmark (`settle.bench.ts`).
 *   npm run bench -- admin [--events 10000000] [--runs 200] [--filtered-runs N] [--keep | --reuse <database>]
 * Seeding 10 M events takes minutes: `--keep` leaves the seeded database in place and prints its
 * name; `--reuse <database>` times pages over that database (migrating it first, so a new
 * migration runs on the kept history) and keeps it. Drop it with `dropdb <database>` when done.
 * Codes are signed with a fixed benchmark key (not a secret), so a reused history's codes verify.
 */
import { createHash, randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { loadAppConfig } from '../../config/app-config.js';
import { loadCampaignFile } from '../../config/campaign-schema.js';
import { adminSessionKey, buildAdminApp } from '../../admin/app.js';
import { piiView } from '../../admin/review/evidence-view.js';
import { reviewPageSize } from '../../admin/review/review-plugin.js';
import { reviewQueuePage } from '../../admin/review/review-page.js';
import { addUser } from '../../admin/users/user-store.js';
import { createBatch } from '../../core/campaigns/batches.js';
import { applyCampaign } from '../../core/campaigns/campaign-store.js';
import { createCodeSigner } from '../../core/codes/code-signer.js';
import { createCodeVerifier } from '../../core/codes/code-verifier.js';
import { runMigrations } from '../../core/db/migrate.js';
import { createPool } from '../../core/db/pool.js';
import { repoPath } from '../../core/paths.js';
import { readPageEvidence } from '../../core/review/evidence.js';
import { readReviewBacklog, readReviewQueue, type QueueFilter } from '../../core/review/queue.js';
import { bringUpServices } from '../../core/services/stack.js';
import { createTestDatabase } from '../../core/testing/test-database.js';
import { createTestRedis } from '../../core/testing/test-redis.js';
import { signInCookie } from './admin-sign-in.js';
import { seedAdminHistory, seededDevice, seededDeviceOf, seededSerialOf } from './admin-seed.js';
import { countOption } from './options.js';
import { format, percentile, printTable } from './stats.js';
import { run as runSettle } from './settle.bench.js';

const DAYS = 10;
const BATCH_NAME = 'bench-1';

/** A fixed signing key: a kept history's codes must verify in the run that reuses it. */
const benchKeys = () => ({
  codeKeys: new Map([[0, createHash('sha256').update('scangate admin benchmark key').digest()]]),
  signingKeyId: 0,
  retiredKeyIds: new Set<number>(),
});

async function timeRuns(runs: number, once: (i: number) => Promise<void>): Promise<number[]> {
  const millis: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await once(i);
    millis.push(performance.now() - started);
  }
  return millis.sort((a, b) => a - b);
}

/** `--reuse <database>`: a database name as `--keep` printed it. */
function reuseOption(args: readonly string[]): string | undefined {
  const at = args.indexOf('--reuse');
  if (at < 0) return undefined;
  const name = args[at + 1] ?? '';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error('--reuse needs the name of a database kept by --keep');
  return name;
}

/** The benchmark's database: a new one (dropped at the end unless kept), or a kept one. */
async function benchDatabase(reuse: string | undefined, keep: boolean): Promise<{ name: string; pool: pg.Pool; fresh: boolean; drop(): Promise<void> }> {
  if (reuse === undefined) {
    const db = await createTestDatabase();
    const pool = createPool(db.url, { max: 4 });
    await runMigrations(pool);
    return { name: db.name, pool, fresh: true, drop: () => (keep ? Promise.resolve() : db.drop()) };
  }
  const url = new URL(process.env.DATABASE_URL as string);
  url.pathname = `/${reuse}`;
  const pool = createPool(url.toString(), { max: 4 });
  const started = performance.now();
  const migrated = await runMigrations(pool);
  if (migrated.applied.length > 0) {
    // a migration that rewrote rows leaves the visibility map unset: VACUUM as autovacuum would have
    await pool.query('VACUUM (ANALYZE) redemptions');
    console.log(`admin: migrated ${reuse} (${migrated.applied.join(', ')}) and vacuumed redemptions in ${format((performance.now() - started) / 1000, 1)} s`);
  }
  return { name: reuse, pool, fresh: false, drop: () => Promise.resolve() };
}

const ms = (sorted: number[], p: number) => format(percentile(sorted, p), 1);
const row = (name: string, sorted: number[]) => [name, ms(sorted, 50), ms(sorted, 95), ms(sorted, 99), ms(sorted, 100)];

export async function run(args: string[]): Promise<void> {
  const runs = countOption(args, 'runs', 200);
  // a filter on reason or score joined each held row to its event before migration 014: seconds a count at 10 M
  const filteredRuns = countOption(args, 'filtered-runs', runs);
  const reuse = reuseOption(args);
  const keep = args.includes('--keep') || reuse !== undefined;
  const dataDir = fileURLToPath(new URL('../../../.data/bench', import.meta.url));
  const config = loadAppConfig(process.env, { dataDir });
  const services = await bringUpServices(config, { info: () => undefined }, { postgres: { database: 'postgres' } });
  process.env.DATABASE_URL = services.postgres.url;
  process.env.REDIS_URL = services.redis.url;
  const [db, t] = await Promise.all([benchDatabase(reuse, keep), createTestRedis()]);
  const { pool } = db;
  let app: FastifyInstance | undefined;
  try {
    const campaign = loadCampaignFile(repoPath('config/campaigns/demo.json'));
    const keys = benchKeys();
    const signer = createCodeSigner(keys);
    let events: number;
    let batchId: number;
    if (db.fresh) {
      events = countOption(args, 'events', 10_000_000);
      await applyCampaign(pool, campaign, 'bench');
      batchId = (await createBatch(pool, { campaignId: campaign.id, printedCount: events, name: BATCH_NAME, region: 'CN-SH' })).id;
      const seedStarted = performance.now();
      await seedAdminHistory(pool, { campaignId: campaign.id, batchId, events, days: DAYS, end: Date.now(), signer });
      const seedSeconds = (performance.now() - seedStarted) / 1000;
      console.log(`admin: seeded ${format(events)} scan events + redemptions over ${DAYS} days in ${format(seedSeconds, 1)} s (${format(events / seedSeconds)} rows/s, COPY + INSERT…SELECT + ANALYZE + VACUUM redemptions)`);
    } else {
      // the seed printed one code per event: the batch's size is the history's
      const { rows } = await pool.query<{ id: number; printed_count: string }>('SELECT id, printed_count FROM code_batches WHERE name = $1', [BATCH_NAME]);
      if (!rows[0]) throw new Error(`database ${db.name} holds no seeded history (no batch ${BATCH_NAME})`);
      batchId = rows[0].id;
      events = Number(rows[0].printed_count);
      console.log(`admin: reusing ${db.name}: ${format(events)} scan events`);
    }
    if (keep) console.log(`admin: the seeded database is kept: npm run bench -- admin --reuse ${db.name}`);

    app = await buildAdminApp({
      pool,
      redis: { client: t.redis, prefix: t.prefix },
      clock: Date.now,
      verifier: createCodeVerifier(keys),
      url: 'http://127.0.0.1:8081',
      sessionKey: adminSessionKey(randomBytes(32)),
    });
    const password = `bench-${randomBytes(9).toString('base64url')}`;
    const username = `bench-reviewer-${randomBytes(4).toString('hex')}`;
    await addUser(pool, username, 'reviewer', password, 'bench');
    const cookie = await signInCookie(app, username, password);
    const page = async (url: string) => {
      const response = await (app as FastifyInstance).inject({ method: 'GET', url, headers: { cookie } });
      if (response.statusCode !== 200) throw new Error(`GET ${url}: ${response.statusCode}`);
    };
    // spread over the whole history, so no run is served by the previous one's cache lines alone
    const pick = (i: number) => (Math.floor(((i * 7919) % runs) * (events / runs)) + (i % 97)) % events;

    const queue = await timeRuns(runs, () => page('/review'));
    const filtered = await timeRuns(filteredRuns, () => page('/review?reason=ip_velocity&minScore=60'));
    const trace = await timeRuns(runs, (i) => page(`/trace?code=${signer.sign(batchId, seededSerialOf(pick(i)))}`));
    const device = await timeRuns(runs, (i) => page(`/trace?device=${seededDevice(seededDeviceOf(pick(i)))}`));
    printTable(`admin pages, ${runs} runs each, server time in ms (app.inject, reviewer session; target p95 < 100)`, ['', 'p50', 'p95', 'p99', 'max'], [
      row('review queue (/review)', queue),
      row(`review queue, filtered (reason and score; ${filteredRuns} runs)`, filtered),
      row('code trace (/trace?code=)', trace),
      row('device history (/trace?device=)', device),
    ]);

    // The review page's parts one at a time (the page runs backlog and rows side by side, then the evidence, then renders)
    const reasonFilter: QueueFilter = { reason: 'ip_velocity', minScore: 60 };
    const backlog = await timeRuns(runs, () => readReviewBacklog(pool, {}).then(() => undefined));
    const campaignBacklog = await timeRuns(runs, () => readReviewBacklog(pool, { campaignId: campaign.id }).then(() => undefined));
    const filteredBacklog = await timeRuns(filteredRuns, () => readReviewBacklog(pool, reasonFilter).then(() => undefined));
    const rows = await timeRuns(runs, () => readReviewQueue(pool, {}, { limit: reviewPageSize }).then(() => undefined));
    const filteredRows = await timeRuns(filteredRuns, () => readReviewQueue(pool, reasonFilter, { limit: reviewPageSize }).then(() => undefined));
    const held = (await readReviewQueue(pool, {}, { limit: reviewPageSize })).scans;
    const evidence = await timeRuns(runs, () => readPageEvidence(pool, held).then(() => undefined));
    const [pageBacklog, pageEvidence] = await Promise.all([readReviewBacklog(pool, {}), readPageEvidence(pool, held)]);
    const render = await timeRuns(runs, async () => {
      const now = Date.now();
      reviewQueuePage('en', {
        query: {},
        backlog: pageBacklog,
        scans: held.map((scan, at) => ({ held: scan, evidence: pageEvidence[at] as (typeof pageEvidence)[number] })),
        next: null,
        self: '/review',
        pii: piiView(false),
        now,
        csrfToken: 'x'.repeat(40),
      });
    });
    printTable(`the review page's parts, ${runs} runs each, ms`, ['', 'p50', 'p95', 'p99', 'max'], [
      row('backlog count and age, no filter', backlog),
      row('backlog count and age, one campaign', campaignBacklog),
      row(`backlog count and age, reason and score filter (${filteredRuns} runs)`, filteredBacklog),
      row(`queue rows (${reviewPageSize})`, rows),
      row(`queue rows (${reviewPageSize}), reason and score filter (${filteredRuns} runs)`, filteredRows),
      row(`evidence of ${held.length} held scans`, evidence),
      row('rendering the page', render),
    ]);
  } finally {
    await app?.close();
    await pool.end();
    await Promise.all([db.drop(), t.cleanup()]);
    await services.stop();
  }
  await runSettle([]);
}
