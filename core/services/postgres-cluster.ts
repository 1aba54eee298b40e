import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { ScangateError } from '../errors.js';
import { postgresRunAs } from './postgres-os-user.js';
import { postgresAnswers } from './probes.js';
import { launchServer, type RunningServer } from './running-server.js';
import type { ServiceLog } from './service-types.js';

const run = promisify(execFile);

export interface PostgresClusterOptions {
  /** Directory holding initdb and postgres. */
  readonly binDir: string;
  /** The cluster's own directory: `data/` (PGDATA) and the server log. Reused when it exists. */
  readonly dir: string;
  readonly port: number;
  readonly log: ServiceLog;
}

/**
 * Runs a Postgres cluster on 127.0.0.1:<port>, creating it on first use. The URL is for user
 * postgres on the maintenance database; authentication is trust, and only on 127.0.0.1.
 */
export async function startPostgresCluster(options: PostgresClusterOptions): Promise<RunningServer> {
  const runAs = await postgresRunAs(options.log);
  const pgdata = path.join(options.dir, 'data');
  await mkdir(options.dir, { recursive: true });
  if (runAs) {
    await chown(options.dir, runAs.uid, runAs.gid);
    await run('test', ['-x', options.dir], { ...runAs }).catch((err: unknown) => {
      throw new ScangateError(
        'GW_ERR_SERVICE_START',
        `Postgres runs as user postgres, which cannot reach ${options.dir} (a parent directory is closed to other users); choose another SCANGATE_DATA_DIR or open the parents (chmod o+x)`,
        { cause: err },
      );
    });
  }

  if (!existsSync(path.join(pgdata, 'PG_VERSION'))) {
    const initdbArgs = ['--pgdata', pgdata, '--username', 'postgres', '--auth', 'trust', '--encoding', 'UTF8', '--locale', 'C', '--no-instructions'];
    try {
      await run(path.join(options.binDir, 'initdb'), initdbArgs, { ...runAs });
    } catch (err) {
      const detail = (err as { stderr?: string }).stderr?.trim() || (err as Error).message;
      throw new ScangateError('GW_ERR_SERVICE_START', `initdb ${pgdata} failed: ${detail}`, { cause: err });
    }
  }

  return launchServer({
    name: 'postgres',
    command: path.join(options.binDir, 'postgres'),
    args: [
      '-D', pgdata,
      '-p', String(options.port),
      '-c', 'listen_addresses=127.0.0.1',
      // TCP only: no socket file in /tmp or /var/run to collide with another cluster's.
      '-c', 'unix_socket_directories=',
    ],
    ...(runAs && { runAs }),
    dir: options.dir,
    port: options.port,
    url: `postgres://postgres@127.0.0.1:${options.port}/postgres`,
    answers: postgresAnswers,
    // SIGINT: fast shutdown (roll back open transactions, checkpoint, exit).
    stopSignal: 'SIGINT',
  });
}
