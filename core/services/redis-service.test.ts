import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isScangateError } from '../errors.js';
import { testRedisUrl } from '../testing/test-redis.js';
import { findFreePort } from './free-port.js';
import { redisAnswers } from './probes.js';
import { findOrStartRedis } from './redis-service.js';
import { isProcessAlive } from './service-process.js';
import { withRedisClient } from '../testing/one-shot-clients.js';

const quiet = { info: () => undefined };

describe('findOrStartRedis', () => {
  let dataDir: string;
  let nowhere: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'scangate-redis-service-'));
    nowhere = `redis://127.0.0.1:${await findFreePort()}`;
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('uses REDIS_URL as given, without probing it', async () => {
    const lines: string[] = [];
    const handle = await findOrStartRedis({ redisUrl: 'redis://:secret@10.9.8.7:6390/2', dataDir }, { info: (line) => lines.push(line) });
    expect(handle).toMatchObject({ url: 'redis://:secret@10.9.8.7:6390/2', started: false });
    expect(lines).toEqual(['redis: using REDIS_URL redis://10.9.8.7:6390/2']);
  });

  it('uses a Redis that already answers at the local address', async () => {
    const handle = await findOrStartRedis({ dataDir }, quiet, { localUrl: testRedisUrl() });
    expect(handle).toMatchObject({ url: testRedisUrl(), started: false });
  });

  it('starts redis-server with AOF always under the data dir, reused by a second start, stopped once', async () => {
    const handle = await findOrStartRedis({ dataDir }, quiet, { localUrl: nowhere });
    expect(handle.started).toBe(true);
    const pid = await withRedisClient(handle.url, async (client) => {
      expect(await client.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
      expect(await client.config('GET', 'appendfsync')).toEqual(['appendfsync', 'always']);
      expect(await client.config('GET', 'dir')).toEqual(['dir', path.join(dataDir, 'redis')]);
      return Number(/process_id:(\d+)/.exec(await client.info('server'))?.[1]);
    });

    const again = await findOrStartRedis({ dataDir }, quiet, { localUrl: nowhere });
    expect(again).toMatchObject({ url: handle.url, started: false });
    await again.stop();
    expect(await redisAnswers(handle.url)).toBe(true);

    await handle.stop();
    expect(isProcessAlive(pid)).toBe(false);
    expect(existsSync(path.join(dataDir, 'redis', 'appendonlydir'))).toBe(true);
  });

  it('says how to install Redis when none answers and redis-server is not on PATH', async () => {
    const error = await findOrStartRedis({ dataDir }, quiet, { localUrl: nowhere, searchPath: dataDir }).catch((err: unknown) => err);
    expect(isScangateError(error, 'GW_ERR_SERVICE_START')).toBe(true);
    expect((error as Error).message).toContain('apt-get install redis-server');
    expect((error as Error).message).toContain('REDIS_URL');
  });
});
