import { ensureDatabase } from '../../../core/db/ensure-database.js';
import { runMigrations } from '../../../core/db/migrate.js';
import { parseCommandArgs, type CliCommand } from '../command.js';
import { databaseUrl } from '../../../core/services/stack.js';

export const migrateCommand: CliCommand = {
  name: 'migrate',
  summary: 'create the database if missing and apply pending migrations',
  usage: 'scangate migrate',
  async run(args, ctx) {
    parseCommandArgs(args, {}, []);
    const { database, created } = await ensureDatabase(databaseUrl(ctx.config()));
    if (created) ctx.note(`created database ${database}`);
    const { applied } = await runMigrations(ctx.pool());
    for (const name of applied) ctx.print(`applied ${name}`);
    if (applied.length === 0) ctx.print(`database ${database} is up to date`);
  },
};
