import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { postgresAnswers } from '../services/probes.js';
import { isProcessAlive } from '../services/service-process.js';
import { startPrivatePostgres, type PrivatePostgres } from './private-postgres.js';
import { queryOnce } from './one-shot-clients.js';

/** Postgres' own record of its postmaster: the first line of PGDATA/postmaster.pid. */
const postmasterPid = (server: PrivatePostgres): number =>
  Number(readFileSync(path.join(server.dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);

describe('startPrivatePostgres', () => {
  let server: PrivatePostgres | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it('answers as user postgres on its own port', async () => {
    server = await startPrivatePostgres();
    expect(server.url).toBe(`postgres://postgres@127.0.0.1:${server.port}/postgres`);
    expect(await queryOnce(server.url, 'SELECT current_user AS who')).toEqual([{ who: 'postgres' }]);
  });

  it('keeps committed rows across kill -9 and restart, and across a clean restart', async () => {
    server = await startPrivatePostgres();
    await queryOnce(server.url, 'CREATE TABLE kept (n int); INSERT INTO kept VALUES (1), (2)');
    const before = postmasterPid(server);

    await server.kill();
    expect(isProcessAlive(before)).toBe(false);
    expect(await postgresAnswers(server.url)).toBe(false);

    await server.restart();
    expect(postmasterPid(server)).not.toBe(before);
    expect(await queryOnce(server.url, 'SELECT count(*)::int AS n FROM kept')).toEqual([{ n: 2 }]);

    await queryOnce(server.url, 'INSERT INTO kept VALUES (3)');
    await server.restart();
    expect(await queryOnce(server.url, 'SELECT count(*)::int AS n FROM kept')).toEqual([{ n: 3 }]);
  });

  it('stop leaves no process and no directory', async () => {
    const stopped = await startPrivatePostgres();
    const pid = postmasterPid(stopped);
    await stopped.stop();
    expect(isProcessAlive(pid)).toBe(false);
    expect(existsSync(stopped.dir)).toBe(false);
  });
});
