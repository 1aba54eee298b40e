import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import type { AppConfig } from '../config/app-config.js';
import { createCodeVerifier } from '../core/codes/code-verifier.js';
import type { Secrets } from '../core/secrets.js';
import type { AdminDeps } from './context.js';
import { adminSessionKey, buildAdminApp } from './app.js';
import { startExpirySweeper, type Schedule } from './review/expiry-sweeper.js';

export interface RunningAdmin {
  readonly app: FastifyInstance;
  /** the URL to open (adminUrl when set, else the bound address) */
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * The console listening on adminHost:adminPort (loopback by default); it verifies traced codes with
 * the secrets' code keys. With Redis, the sweeper that rejects expired holds every
 * `reviewSweepMinutes` runs beside it; both stop together.
 */
export async function startAdmin(
  config: AppConfig,
  secrets: Secrets,
  deps: Omit<AdminDeps, 'verifier'>,
  logger?: FastifyServerOptions['loggerInstance'],
  sweepSchedule?: Schedule,
): Promise<RunningAdmin> {
  const boundUrl = (port: number) => `http://${config.adminHost.includes(':') ? `[${config.adminHost}]` : config.adminHost}:${port}`;
  const app = await buildAdminApp({ ...deps, verifier: createCodeVerifier(secrets), url: config.adminUrl ?? boundUrl(config.adminPort), sessionKey: adminSessionKey(secrets.cookieKey), ...(logger ? { logger } : {}) });
  await app.listen({ host: config.adminHost, port: config.adminPort });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.adminPort;
  const sweeper =
    deps.redis &&
    startExpirySweeper(
      { redis: deps.redis.client, pool: deps.pool, keyPrefix: deps.redis.prefix, clock: deps.clock },
      { everyMs: config.reviewSweepMinutes * 60_000, ...(sweepSchedule ? { schedule: sweepSchedule } : {}), log: app.log },
    );
  return {
    app,
    url: config.adminUrl ?? boundUrl(port),
    async stop() {
      await sweeper?.stop();
      await app.close();
    },
  };
}
