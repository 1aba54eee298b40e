import type { TemplatedApp } from 'uWebSockets.js';
import { jsonReply, sendReply } from './http-reply.js';
import { respondLater, type RouteDeps } from './route-context.js';
import { jsonRoute, routeHandler } from './route-handler.js';

/** Each check of /readyz, true when it passes; ingestBacklog fails once the events streams hold
 * config.ingest.backlogDegradedAt entries Postgres has not committed (degraded: stop taking traffic). */
export type ReadinessChecks = Readonly<Record<'redis' | 'scripts' | 'campaigns' | 'ingestBacklog', boolean>>;

export interface HealthRouteDeps extends RouteDeps {
  readonly readiness: () => Promise<ReadinessChecks>;
}

/**
 * `/healthz`: the process answers. `/readyz`: it can decide scans (Redis answers, the decision
 * scripts are loaded, campaigns are loaded, the ingest backlog is under its ceiling), else 503 with the failing checks, so a load
 * balancer sends phones elsewhere. HEAD answers both with the headers only.
 */
export function registerHealthRoutes(app: TemplatedApp, deps: HealthRouteDeps): void {
  const healthz = routeHandler(deps, jsonRoute, (res, _req, ctx) => sendReply(res, ctx, jsonReply(200, { status: 'ok' })));
  const readyz = routeHandler(deps, jsonRoute, (res, _req, ctx) => {
    respondLater(deps, res, ctx, { kind: 'json' }, async () => {
      const checks = await deps.readiness();
      const ready = !deps.stopping() && Object.values(checks).every(Boolean);
      return ready
        ? jsonReply(200, { ready, checks })
        : jsonReply(503, { ready, checks, stopping: deps.stopping() }, [['retry-after', String(deps.config.gateway.retryAfterSeconds)]]);
    });
  });
  app.get('/healthz', healthz).head('/healthz', healthz).get('/readyz', readyz).head('/readyz', readyz);
}
