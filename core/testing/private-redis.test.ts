import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { redisAnswers } from '../services/probes.js';
import { isProcessAlive } from '../services/service-process.js';
import { startPrivateRedis, type PrivateRedis } from './private-redis.js';
import { withRedisClient } from './one-shot-clients.js';

const serverPid = (url: string): Promise<number> =>
  withRedisClient(url, async (client) => Number(/process_id:(\d+)/.exec(await client.info('server'))?.[1]));

describe('startPrivateRedis', () => {
  let server: PrivateRedis | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it('runs with the persistence asked for, on its own port and dir', async () => {
    server = await startPrivateRedis({ appendfsync: 'everysec' });
    expect(server.url).toBe(`redis://127.0.0.1:${server.port}`);
    await withRedisClient(server.url, async (client) => {
      expect(await client.ping()).toBe('PONG');
      expect(await client.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
      expect(await client.config('GET', 'appendfsync')).toEqual(['appendfsync', 'everysec']);
      expect(await client.config('GET', 'dir')).toEqual(['dir', server?.dir]);
    });
  });

  it("keeps Redis's own AOF rewrite schedule unless told not to rewrite by itself", async () => {
    server = await startPrivateRedis();
    expect(await withRedisClient(server.url, (client) => client.config('GET', 'auto-aof-rewrite-percentage'))).toEqual(['auto-aof-rewrite-percentage', '100']);
    await server.stop();
    server = undefined;
    server = await startPrivateRedis({ autoAofRewrite: false });
    expect(await withRedisClient(server.url, (client) => client.config('GET', 'auto-aof-rewrite-percentage'))).toEqual(['auto-aof-rewrite-percentage', '0']);
  });

  it('keeps acknowledged writes across kill -9 and restart with AOF always', async () => {
    server = await startPrivateRedis({ appendfsync: 'always', aof: true });
    const before = await serverPid(server.url);
    await withRedisClient(server.url, (client) => client.set('survivor', 'yes'));

    await server.kill();
    expect(isProcessAlive(before)).toBe(false);
    expect(await redisAnswers(server.url)).toBe(false);

    await server.restart();
    expect(await serverPid(server.url)).not.toBe(before);
    expect(await withRedisClient(server.url, (client) => client.get('survivor'))).toBe('yes');
  });

  it('comes back empty after a restart without AOF', async () => {
    server = await startPrivateRedis({ aof: false });
    await withRedisClient(server.url, (client) => client.set('lost', 'yes'));
    await server.kill();
    await server.restart();
    expect(await withRedisClient(server.url, (client) => client.dbsize())).toBe(0);
  });

  it('stop leaves no process and no directory', async () => {
    const stopped = await startPrivateRedis();
    const pid = await serverPid(stopped.url);
    await stopped.stop();
    expect(isProcessAlive(pid)).toBe(false);
    expect(existsSync(stopped.dir)).toBe(false);
  });
});
