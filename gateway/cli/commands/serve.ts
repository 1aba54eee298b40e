import cluster from 'node:cluster';
import pino from 'pino';
import { ScangateError } from '../../../core/errors.js';
import { runGatewayCluster } from '../../http/gateway-cluster.js';
import { startGateway } from '../../main.js';
import { parseCommandArgs, wholeNumber, type CliCommand } from '../command.js';
import { listenForShutdown } from '../shutdown-signal.js';

/**
 * `scangate serve`: the gateway (and the ingest) on config.port against the configured Redis and
 * Postgres, seeding nothing — what production and external load tests run. With N > 1 processes
 * the primary forks N gateways that all listen on the one port (SO_REUSEPORT) and serves their
 * combined metrics itself. SIGTERM / SIGINT stop it gracefully; the exit code is then 0.
 */
export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'run the scan gateway on PORT (metrics on OPS_PORT) against the configured Redis and Postgres',
  usage: 'scangate serve [--processes N]   (default: config gateway.processes)',
  async run(args, ctx) {
    const config = ctx.config();
    const { values } = parseCommandArgs(args, { processes: { type: 'string' } }, []);
    const processes = values.processes === undefined ? config.gateway.processes : wholeNumber('processes', values.processes, 1);
    const logger = pino({ level: config.logLevel, base: { pid: process.pid } });
    const shutdown = listenForShutdown({ info: (message) => logger.info(message) });
    try {
      if (processes > 1 && config.port === 0) throw new ScangateError('GW_ERR_USAGE', '--processes > 1 needs a fixed PORT: with port 0 each process would get its own');
      if (processes > 1 || cluster.isWorker) {
        await runGatewayCluster(config, { processes, logger, shutdown: shutdown.received, secrets: ctx.secrets() });
        return;
      }
      const gateway = await startGateway(config, { logger, secrets: ctx.secrets() });
      logger.info({ port: gateway.port, opsPort: gateway.opsPort }, `gateway listening on port ${gateway.port}`);
      await shutdown.received;
      await gateway.stop();
    } finally {
      shutdown.dispose();
    }
  },
};
