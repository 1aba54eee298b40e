import pg from 'pg';

/**
 * The Postgres pool of a process. Sessions run in UTC so timestamps read and printed by SQL are
 * UTC whatever the server's zone. A connection that dies (server restart, crash) never crashes
 * the process: idle, it is dropped and reported; checked out between two queries, its holder's
 * next query fails and the holder releases it as broken.
 */
export function createPool(url: string, options: { max?: number; applicationName?: string } = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'scangate',
    options: '-c TimeZone=UTC',
  });
  const report = (err: Error) => console.error(`scangate: Postgres connection failed: ${err.message}`);
  // Every client reports its own failure, checked out or idle. The pool listens to idle clients
  // only, and a checked-out one with no query running would otherwise emit an unhandled 'error'
  // (the server's FATAL as it goes down) and end the process. The pool's own 'error' (the same
  // idle failure) needs a listener too, and is already reported.
  pool.on('connect', (client) => client.on('error', report));
  pool.on('error', () => undefined);
  return pool;
}
