import uWS, { type TemplatedApp } from 'uWebSockets.js';
import { errorCatalogue } from '../../core/errors.js';
import { registerHealthRoutes, type HealthRouteDeps } from './health-routes.js';
import { jsonReply, sendReply } from './http-reply.js';
import { jsonRoute, routeHandler } from './route-handler.js';
import { registerScanRoutes, type ScanRouteDeps } from './scan-routes.js';

export type GatewayAppDeps = ScanRouteDeps & HealthRouteDeps;

/** The public port's routes; anything else is a JSON 404 (headers only for HEAD). */
export function createGatewayApp(deps: GatewayAppDeps): TemplatedApp {
  const app = uWS.App();
  registerScanRoutes(app, deps);
  registerHealthRoutes(app, deps);
  app.any(
    '/*',
    routeHandler(deps, jsonRoute, (res, _req, ctx) => {
      deps.metrics.rejections.inc({ reason: 'not_found' });
      sendReply(res, ctx, jsonReply(404, { error: 'GW_ERR_NOT_FOUND', message: errorCatalogue.GW_ERR_NOT_FOUND.message }));
    }),
  );
  return app;
}
