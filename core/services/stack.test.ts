import { existsSync, readFileSync, statSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testRedisUrl } from '../testing/test-redis.js';
import { findFreePort } from './free-port.js';
import { postgresAnswers, redisAnswers } from './probes.js';
import { bringUpServices, resolveServiceUrls, servicesFile } from './stack.js';

const quiet = { info: () => undefined };
const localDefaults = { redisUrl: 'redis://127.0.0.1:6379', databaseUrl: 'postgres://postgres@127.0.0.1:5432/scangate' };

describe('bringUpServices and resolveServiceUrls', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'scangate-stack-'));
    await chmod(dataDir, 0o755); // as root, Postgres runs as user postgres, which must reach the data dir
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('starts both servers when none answers, records them for other terminals, and stops them', async () => {
    const nowhere = await findFreePort();
    const services = await bringUpServices({ dataDir }, quiet, {
      redis: { localUrl: `redis://127.0.0.1:${nowhere}` },
      postgres: { localUrl: `postgres://postgres@127.0.0.1:${nowhere}/postgres`, database: 'postgres' },
    });
    expect([services.redis.started, services.postgres.started]).toEqual([true, true]);
    expect(statSync(servicesFile(dataDir)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(servicesFile(dataDir), 'utf8'))).toMatchObject({ redisUrl: services.redis.url, databaseUrl: services.postgres.url });
    expect(await resolveServiceUrls({ dataDir })).toEqual({ redisUrl: services.redis.url, databaseUrl: services.postgres.url });

    await services.stop();
    expect(await redisAnswers(services.redis.url)).toBe(false);
    expect(await postgresAnswers(services.postgres.url)).toBe(false);
    expect(existsSync(servicesFile(dataDir))).toBe(false);
  });

  it('uses configured URLs as given, and they win over services.json', async () => {
    const configured = { redisUrl: 'redis://10.9.8.7:6390', databaseUrl: 'postgres://app@10.9.8.7:5433/promo' };
    const services = await bringUpServices({ dataDir, ...configured }, quiet);
    expect([services.redis.started, services.postgres.started]).toEqual([false, false]);
    await services.stop();
    // nothing was started, so the record stays for whoever owns those servers
    expect(existsSync(servicesFile(dataDir))).toBe(true);
    const other = { redisUrl: 'redis://10.1.1.1:6379', databaseUrl: 'postgres://app@10.1.1.1:5432/x' };
    expect(await resolveServiceUrls({ dataDir, ...other })).toEqual(other);
  });

  it('falls back to the local defaults when services.json is missing, malformed or names dead servers', async () => {
    expect(await resolveServiceUrls({ dataDir })).toEqual(localDefaults);
    await writeFile(servicesFile(dataDir), '{ not json');
    expect(await resolveServiceUrls({ dataDir })).toEqual(localDefaults);
    const dead = await findFreePort();
    await writeFile(servicesFile(dataDir), JSON.stringify({ redisUrl: `redis://127.0.0.1:${dead}`, databaseUrl: `postgres://postgres@127.0.0.1:${dead}/scangate`, pid: 1 }));
    expect(await resolveServiceUrls({ dataDir })).toEqual(localDefaults);
  });

  it('takes recorded URLs that still answer', async () => {
    const databaseUrl = process.env.DATABASE_URL ?? '';
    await writeFile(servicesFile(dataDir), JSON.stringify({ redisUrl: testRedisUrl(), databaseUrl, pid: 1 }));
    expect(await resolveServiceUrls({ dataDir })).toEqual({ redisUrl: testRedisUrl(), databaseUrl });
  });
});
