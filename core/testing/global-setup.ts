import { loadAppConfig } from '../../config/app-config.js';
import { repoPath } from '../paths.js';
import { bringUpServices } from '../services/stack.js';

/** Servers the tests start themselves live here, apart from the demo's data dir. */
const testDataDir = repoPath('.data', 'test');

/**
 * Runs once before all test files: finds Redis and Postgres the way `npm start` does
 * (REDIS_URL / DATABASE_URL; else 127.0.0.1:6379 / :5432; else a redis-server and the embedded
 * Postgres under .data/test) and hands their URLs to every test file through the environment.
 * Each file then creates its own database and key prefix. DATABASE_URL names the maintenance
 * database, where test files create theirs. The returned teardown stops only what was started.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const config = loadAppConfig(process.env, { dataDir: testDataDir });
  const services = await bringUpServices(config, { info: (line) => console.log(`[test services] ${line}`) }, { postgres: { database: 'postgres' } });
  process.env.REDIS_URL = services.redis.url;
  process.env.DATABASE_URL = services.postgres.url;
  return () => services.stop();
}
