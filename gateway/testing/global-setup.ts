/**
 * Runs once before all test files: settles where Redis and Postgres are, so every test file
 * sees REDIS_URL and DATABASE_URL. Each file then creates its own database and key prefix.
 */
export default function setup(): void {
  process.env.REDIS_URL ??= 'redis://127.0.0.1:6379';
  process.env.DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/postgres';
}
