import pino from 'pino';
import { Registry } from 'prom-client';
import { startIngest } from '../../ingest/start-ingest.js';
import { startOpsServer } from '../../http/ops-server.js';
import { parseCommandArgs, type CliCommand } from '../command.js';
import { redisUrl } from '../../../core/services/stack.js';
import { listenForShutdown } from '../shutdown-signal.js';
import { createRedisClient } from '../../../core/redis/redis-client.js';

/**
 * `scangate ingest`: the stream → Postgres ingest alone, for deployments that scale it apart from
 * the gateways. Several processes share the work through the consumer group. Its metrics (lag,
 * batches, dead letters) are on OPS_PORT. SIGTERM / SIGINT finish the batches in flight, then exit 0.
 */
export const ingestCommand: CliCommand = {
  name: 'ingest',
  summary: 'run the stream → Postgres ingest alone (metrics on OPS_PORT); several may run at once',
  usage: 'scangate ingest',
  async run(args, ctx) {
    parseCommandArgs(args, {}, []);
    const config = ctx.config();
    const logger = pino({ level: config.logLevel, base: { pid: process.pid } });
    const shutdown = listenForShutdown({ info: (message) => logger.info(message) });
    // Its own connection, retrying for ever: a Redis restart must pause the ingest, not end it.
    const redis = createRedisClient(redisUrl(config), { maxRetriesPerRequest: null }, (err) => logger.debug({ err: err.message }, 'redis connection error'));
    const registry = new Registry();
    try {
      const ops = await startOpsServer(config.opsHost, config.opsPort, { contentType: registry.contentType, metrics: () => registry.metrics() });
      const ingest = startIngest(config, { redis, pool: ctx.pool(), logger, registry });
      logger.info({ consumer: ingest.consumer, opsPort: ops.port }, 'ingest running');
      await shutdown.received;
      await ingest.stop();
      await ops.close();
    } finally {
      shutdown.dispose();
      await redis.quit().catch(() => redis.disconnect());
    }
  },
};
