import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { within } from '../testing/bounded.js';
import { startPrivatePostgres, type PrivatePostgres } from '../testing/private-postgres.js';
import { createPool } from './pool.js';

describe('the Postgres pool when the server dies', () => {
  let server: PrivatePostgres;
  beforeAll(async () => {
    server = await startPrivatePostgres();
  });
  afterAll(() => server?.stop());

  it('survives a crash while a connection is checked out between queries: the next query fails, nothing is thrown', async () => {
    const reported = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown) => uncaught.push(err);
    process.on('uncaughtException', onUncaught);
    const pool = createPool(server.url, { max: 2 });
    let held: pg.PoolClient | undefined;
    try {
      held = await pool.connect();
      expect((await held.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      const ended = new Promise((resolve) => held?.once('end', resolve));

      // The server dies under a connection that runs no query: its FATAL (or the closed socket)
      // arrives as an 'error' nobody is awaiting.
      await server.kill('SIGKILL');
      await within(ended, 10_000, 'the held connection ending');
      expect(uncaught).toEqual([]);
      await expect(held.query('SELECT 1')).rejects.toThrow();
      held.release(true);
      held = undefined;

      await server.restart();
      expect((await pool.query('SELECT 2 AS two')).rows).toEqual([{ two: 2 }]);
      expect(reported.mock.calls.every(([line]) => String(line).startsWith('scangate: Postgres connection failed:'))).toBe(true);
    } finally {
      held?.release(true);
      process.off('uncaughtException', onUncaught);
      reported.mockRestore();
      await pool.end();
    }
  });
});
