import pino from 'pino';
import { startAdmin } from '../../../admin/server.js';
import { systemClock } from '../../../admin/clock.js';
import { parseCommandArgs, type CliCommand } from '../command.js';
import { listenForShutdown } from '../shutdown-signal.js';

export const adminCommand: CliCommand = {
  name: 'admin',
  summary: 'serve the admin console (ADMIN_PORT, 127.0.0.1 unless adminHost says otherwise)',
  usage: ['scangate admin', '  serves the console until Ctrl-C / SIGTERM; users come from `scangate admin-user`'].join('\n'),
  async run(args, ctx) {
    parseCommandArgs(args, {}, []);
    const config = ctx.config();
    const shutdown = listenForShutdown({ info: (line) => ctx.note(line) });
    try {
      const logger = pino({ level: config.logLevel, base: { pid: process.pid } }, pino.destination(2));
      const redis = { client: ctx.redis(), prefix: config.redis.keyPrefix };
      const admin = await startAdmin(config, ctx.secrets(), { pool: ctx.pool(), redis, clock: systemClock }, logger);
      ctx.note(`admin console: ${admin.url}`);
      try {
        await shutdown.received;
      } finally {
        await admin.stop();
      }
    } finally {
      shutdown.dispose();
    }
  },
};
