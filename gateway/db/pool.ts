import pg from 'pg';

/**
 * The Postgres pool of a process. Sessions run in UTC so timestamps read and printed by SQL are
 * UTC whatever the server's zone; an idle connection that dies (server restart) is dropped and
 * reported instead of crashing the process.
 */
export function createPool(url: string, options: { max?: number; applicationName?: string } = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'scangate',
    options: '-c TimeZone=UTC',
  });
  pool.on('error', (err) => console.error(`scangate: idle Postgres connection failed: ${err.message}`));
  return pool;
}
