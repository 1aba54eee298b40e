import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaignKeys } from '../../core/redis/keys.js';
import { repoPath } from '../../core/paths.js';
import { servicesFile } from '../../core/services/stack.js';
import { createCliTestEnv, runCliCaptured, type CliTestEnv } from '../testing/cli-test-env.js';
import type { TestDatabase } from '../../core/testing/test-database.js';
import { testRedisUrl, type TestRedis } from '../../core/testing/test-redis.js';

let setup: CliTestEnv;
let db: TestDatabase;
let t: TestRedis;
let dir: string;
let env: Readonly<Record<string, string>>;

beforeAll(async () => {
  setup = await createCliTestEnv('cli');
  ({ db, t, dir, env } = setup);
});

afterAll(() => setup?.close());

function cli(argv: string[], extraEnv: Record<string, string> = {}, baseEnv: Record<string, string> = env) {
  return runCliCaptured(argv, { ...baseEnv, ...extraEnv });
}


describe('scangate CLI', () => {
  it('lists commands on --help, and answers an unknown command with usage and exit 2', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    for (const name of ['migrate', 'campaign', 'mint', 'batch', 'codes']) expect(help.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
    expect((await cli(['mint', '--help'])).stdout).toMatch(/^usage: scangate mint --campaign <id> --count <n>/);
    const unknown = await cli(['frobnicate']);
    expect(unknown).toMatchObject({ code: 2, stdout: '' });
    expect(unknown.stderr).toMatch(/^scangate: unknown command "frobnicate"\n\nusage: scangate <command>/);
    expect((await cli([])).code).toBe(2);
  });

  it('migrates, applies a campaign (versioned), and says when nothing changed', async () => {
    const migrated = await cli(['migrate']);
    expect(migrated.code).toBe(0);
    expect(migrated.stdout).toMatch(/^applied 001_initial\n(applied \d{3}_\w+\n)*$/);
    expect((await cli(['migrate'])).stdout).toBe(`database ${db.name} is up to date\n`);
    const file = repoPath('config/campaigns/demo.json');
    expect((await cli(['campaign', 'apply', file])).stdout).toBe('campaign demo: stored as version 1\n');
    expect((await cli(['campaign', 'apply', file])).stdout).toBe('campaign demo: unchanged (version 1)\n');
    const [audit] = await setup.query<{ actor: string }>(`SELECT actor FROM audit_log WHERE action = 'campaign.apply'`);
    expect(audit?.actor).toMatch(/^cli:/);
  });

  it('mints to a new 0600 file or to stdout, with the summary on stderr, using a generated key file', async () => {
    const out = path.join(dir, 'codes.csv');
    const minted = await cli(['mint', '--campaign', 'demo', '--count', '500', '--batch', 'sh-1', '--region', 'CN-SH', '--honeypot', '3', '--out', out]);
    expect(minted).toMatchObject({ code: 0, stdout: '' });
    expect(minted.stderr).toMatch(/minted 500 codes \(\+3 honeypots, recorded, not printed\) for campaign demo/);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(statSync(path.join(env.SCANGATE_DATA_DIR as string, 'secrets.json')).mode & 0o777).toBe(0o600);
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(501);
    expect(lines[1]).toMatch(/^([0-9A-Z]{30}),HTTPS:\/\/SCAN\.EXAMPLE\.COM\/S\/\1$/);

    const again = await cli(['mint', '--campaign', 'demo', '--count', '5', '--out', out]);
    expect(again).toMatchObject({ code: 1, stderr: expect.stringMatching(/^scangate: EEXIST/) });
    expect(readFileSync(out, 'utf8').split('\n')).toHaveLength(502);

    const toStdout = await cli(['mint', '--campaign', 'demo', '--count', '2']);
    expect(toStdout.stdout.split('\n')).toHaveLength(4);
    expect(toStdout.stderr).toMatch(/batch demo-2 \(id 2\), serials 0-1, inactive/);
    const batches = await setup.query<{ name: string; printed: number; honeypots: number }>(
      'SELECT name, printed_count::int AS printed, honeypot_count AS honeypots FROM code_batches ORDER BY id',
    );
    expect(batches).toEqual([
      { name: 'sh-1', printed: 500, honeypots: 3 },
      { name: 'demo-2', printed: 2, honeypots: 0 },
    ]);
  });

  it('activates in Postgres and Redis, still deactivates when Redis is down, and lists batches', async () => {
    const hash = campaignKeys(t.prefix, 'demo').batches;
    expect(await cli(['batch', 'activate', 'sh-1'])).toMatchObject({ code: 0, stdout: 'batch sh-1 (id 1, campaign demo): active\n' });
    expect(await t.redis.hget(hash, '1')).toBe('1');

    const offline = await cli(['batch', 'deactivate', '1'], { REDIS_URL: 'redis://127.0.0.1:1' });
    expect(offline).toMatchObject({ code: 0, stdout: 'batch sh-1 (id 1, campaign demo): inactive\n' });
    expect(offline.stderr).toMatch(/^warning: Redis is not reachable/);
    expect(await t.redis.hget(hash, '1')).toBe('1');
    expect(await setup.query(`SELECT status FROM code_batches WHERE id = 1`)).toEqual([{ status: 'inactive' }]);

    const list = await cli(['batch', 'list', '--campaign', 'demo']);
    const [header, first, second] = list.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^id\s+name\s+campaign\s+region\s+status\s+printed\s+honeypots\s+created$/);
    expect(first).toMatch(/^1\s+sh-1\s+demo\s+CN-SH\s+inactive\s+500\s+3\s+\d{4}-/);
    expect(second).toMatch(/^2\s+demo-2\s+demo\s+-\s+inactive\s+2\s+0\s/);
    expect((await cli(['batch', 'list', '--campaign', 'other'])).stderr).toBe('no batches\n');
  });

  it('verifies codes as JSON: exit 0 when genuine, 1 with the reason when not', async () => {
    const code = readFileSync(path.join(dir, 'codes.csv'), 'utf8').split('\n')[1]?.split(',')[0] as string;
    const valid = await cli(['codes', 'verify', code.toLowerCase()]);
    expect(valid.code).toBe(0);
    expect(JSON.parse(valid.stdout)).toMatchObject({ valid: true, campaign: 'demo', batch: 1 });
    const forged = await cli(['codes', 'verify', `${code.slice(0, 29)}${code.endsWith('0') ? '1' : '0'}`]);
    expect(forged).toMatchObject({ code: 1, stdout: '{"valid":false,"reason":"bad_tag"}\n' });
    expect(JSON.parse((await cli(['codes', 'verify', 'hello'])).stdout)).toEqual({ valid: false, reason: 'too_short' });
  });

  it('prints one line per error: exit 1 for failures, 2 with usage for usage errors', async () => {
    expect(await cli(['mint', '--campaign', 'nope', '--count', '1'])).toMatchObject({ code: 1, stdout: '', stderr: 'scangate: no such campaign: nope\n' });
    expect(await cli(['batch', 'activate', 'missing'])).toMatchObject({ code: 1, stderr: expect.stringMatching(/scangate: no such batch: missing\n$/) });
    const bad = await cli(['mint', '--campaign', 'demo', '--count', 'lots']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.split('\n')[0]).toBe('scangate: command line usage error: --count must be a whole number of at least 1, got "lots"');
    expect((await cli(['batch', 'explode'])).stderr).toMatch(/^scangate: command line usage error: unknown sub-command "explode"\nusage: scangate batch activate/);
    expect((await cli(['codes', 'verify'])).code).toBe(2);
    expect((await cli(['campaign', 'apply', path.join(dir, 'missing.json')])).stderr).toMatch(/^scangate: .*missing\.json: ENOENT.*\n$/);
  });

  it('uses the servers a running `npm start` recorded in services.json when no URL is configured', async () => {
    const dataDir = path.join(dir, 'recorded');
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(servicesFile(dataDir), JSON.stringify({ redisUrl: testRedisUrl(), databaseUrl: db.url, pid: process.pid }));
    const { DATABASE_URL: _db, REDIS_URL: _redis, ...withoutUrls } = env;
    const list = await cli(['batch', 'list', '--campaign', 'demo'], { SCANGATE_DATA_DIR: dataDir }, withoutUrls);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^1\s+sh-1\s+demo\s/m);
  });

  it('audits a campaign as JSON: exit 0 when every check holds, 1 naming the check that fails', async () => {
    const clean = await cli(['audit', '--campaign', 'demo']);
    expect(clean.code).toBe(0);
    const report = JSON.parse(clean.stdout) as { ok: boolean; checks: { name: string; ok: boolean }[] };
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => c.name)).toEqual(expect.arrayContaining(['issued_within_inventory', 'one_redemption_per_code', 'redis_matches_postgres', 'no_dead_letters']));

    // a prize Redis counts that Postgres has no record of
    await t.redis.hset(campaignKeys(t.prefix, 'demo').issued, 'grand', 1);
    const broken = await cli(['audit', '--campaign', 'demo']);
    expect(broken.code).toBe(1);
    const failed = (JSON.parse(broken.stdout) as typeof report).checks.filter((c) => !c.ok).map((c) => c.name);
    expect(failed).toEqual(['redis_matches_postgres']);
    await t.redis.hdel(campaignKeys(t.prefix, 'demo').issued, 'grand');
    expect((await cli(['audit'])).code).toBe(2);
  });
});
