import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isScangateError } from '../errors.js';
import { findFreePort } from './free-port.js';
import { findOrStartPostgres, withDatabase } from './postgres-service.js';
import { isProcessAlive } from './service-process.js';
import type { ServiceHandle } from './service-types.js';
import { queryOnce } from '../testing/one-shot-clients.js';

const quiet = { info: () => undefined };

describe('findOrStartPostgres', () => {
  let dataDir: string;
  let nowhere: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'scangate-postgres-service-'));
    await chmod(dataDir, 0o755); // as root, Postgres runs as user postgres, which must reach the data dir
    nowhere = `postgres://postgres@127.0.0.1:${await findFreePort()}/postgres`;
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('uses DATABASE_URL as given', async () => {
    const lines: string[] = [];
    const handle = await findOrStartPostgres({ databaseUrl: 'postgres://app:secret@10.9.8.7:5433/promo', dataDir }, { info: (line) => lines.push(line) });
    expect(handle).toMatchObject({ url: 'postgres://app:secret@10.9.8.7:5433/promo', started: false });
    expect(lines).toEqual(['postgres: using DATABASE_URL postgres://10.9.8.7:5433/promo']);
  });

  it('uses a Postgres that already answers at the local address, naming the scangate database', async () => {
    const local = process.env.DATABASE_URL ?? '';
    const handle = await findOrStartPostgres({ dataDir }, quiet, { localUrl: local });
    expect(handle).toMatchObject({ url: withDatabase(local, 'scangate'), started: false });
  });

  it('reports a data dir the postgres user cannot reach (as root), or uses it (as its owner)', async () => {
    await chmod(dataDir, 0o700);
    const outcome = await findOrStartPostgres({ dataDir }, quiet, { localUrl: nowhere }).catch((err: unknown) => err);
    if (process.getuid?.() === 0) {
      expect(isScangateError(outcome, 'GW_ERR_SERVICE_START')).toBe(true);
      expect((outcome as Error).message).toContain(`cannot reach ${path.join(dataDir, 'postgres')}`);
    } else {
      expect(outcome).toMatchObject({ started: true });
      await (outcome as ServiceHandle).stop();
    }
  });

  it('starts the embedded Postgres under the data dir and reuses its cluster on the next start', async () => {
    const first = await findOrStartPostgres({ dataDir }, quiet, { localUrl: nowhere, database: 'postgres' });
    expect(first.started).toBe(true);
    expect(await queryOnce(first.url, 'SELECT current_user AS who')).toEqual([{ who: 'postgres' }]);
    await queryOnce(first.url, 'CREATE TABLE kept (n int); INSERT INTO kept VALUES (7)');

    const adopted = await findOrStartPostgres({ dataDir }, quiet, { localUrl: nowhere, database: 'postgres' });
    expect(adopted).toMatchObject({ url: first.url, started: false });

    const postmasterPid = Number(readFileSync(path.join(dataDir, 'postgres', 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
    await first.stop();
    expect(isProcessAlive(postmasterPid)).toBe(false);

    const second = await findOrStartPostgres({ dataDir }, quiet, { localUrl: nowhere, database: 'postgres' });
    try {
      expect(second.started).toBe(true);
      expect(await queryOnce(second.url, 'SELECT n FROM kept')).toEqual([{ n: 7 }]);
    } finally {
      await second.stop();
    }
  });
});
