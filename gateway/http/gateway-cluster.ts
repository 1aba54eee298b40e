import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';
import { AggregatorRegistry } from 'prom-client';
import type { AppConfig } from '../../config/app-config.js';
import { ScangateError } from '../../core/errors.js';
import type { Secrets } from '../../core/secrets.js';
import { startOpsServer } from './ops-server.js';
import { startGateway } from '../main.js';

export interface ClusterOptions {
  readonly processes: number;
  readonly logger: Logger;
  /** resolves when the process is told to stop (SIGTERM / SIGINT) */
  readonly shutdown: Promise<unknown>;
  readonly secrets: Secrets;
}

const listeningMessage = 'scangate:listening';
/** a gateway process that dies is replaced after this pause, so a crash loop does not spin */
const respawnDelayMs = 1000;

/**
 * Several gateway processes on one port. The primary forks `processes` workers (each re-runs
 * `scangate serve` and lands in runWorker), serves their summed metrics on the ops port,
 * replaces a worker that dies, and on shutdown signals them all and waits until they exit.
 */
export async function runGatewayCluster(config: AppConfig, options: ClusterOptions): Promise<void> {
  if (cluster.isWorker) return runWorker(config, options);
  const { logger } = options;
  let stopping = false;
  const exited = new Set<Promise<void>>();

  function fork(): Promise<void> {
    const worker: Worker = cluster.fork();
    const exit = new Promise<void>((resolve) =>
      worker.once('exit', (code, signal) => {
        exited.delete(exit);
        resolve();
        if (stopping) return;
        logger.error({ worker: worker.process.pid, code, signal }, 'gateway process died; starting another');
        setTimeout(() => void (stopping || fork()), respawnDelayMs).unref();
      }),
    );
    exited.add(exit);
    return new Promise((resolve, reject) => {
      worker.on('message', (message: { type?: string }) => message.type === listeningMessage && resolve());
      void exit.then(() => reject(new ScangateError('GW_ERR_SERVICE_START', `gateway process ${worker.process.pid} exited before listening`)));
    });
  }

  const stopAll = async () => {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    await Promise.all(exited);
  };

  try {
    await Promise.all(Array.from({ length: options.processes }, fork));
  } catch (err) {
    await stopAll();
    throw err;
  }
  const aggregator = new AggregatorRegistry();
  const ops = await startOpsServer(config.opsHost, config.opsPort, { contentType: aggregator.contentType, metrics: () => aggregator.clusterMetrics() });
  logger.info({ port: config.port, opsPort: ops.port, processes: options.processes }, `${options.processes} gateway processes listening on port ${config.port}`);
  await options.shutdown;
  await stopAll();
  await ops.close();
}

/** One forked gateway: no ops server of its own (the primary asks it for its metrics over IPC). */
async function runWorker(config: AppConfig, options: ClusterOptions): Promise<void> {
  const gateway = await startGateway(config, { logger: options.logger, secrets: options.secrets, opsServer: false });
  AggregatorRegistry.setRegistries([gateway.registry]);
  // Constructing one is what makes prom-client answer the primary's metric requests in a worker.
  new AggregatorRegistry();
  options.logger.info({ port: gateway.port }, `gateway process listening on port ${gateway.port}`);
  process.send?.({ type: listeningMessage, port: gateway.port });
  await options.shutdown;
  await gateway.stop();
  // The IPC channel to the primary would keep this process alive; the primary waits for it to exit.
  cluster.worker?.disconnect();
}
