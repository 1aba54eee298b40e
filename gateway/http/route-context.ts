import type { Logger } from 'pino';
import type { HttpResponse } from 'uWebSockets.js';
import type { AppConfig } from '../../config/app-config.js';
import type { GatewayMetrics } from '../metrics.js';
import { sendReply, type HttpReply } from './http-reply.js';
import type { InFlight } from './in-flight.js';
import { refusalOf, refusalReply, type ScanFormat } from './replies.js';
import type { RequestContext } from './request-context.js';

/** What every route handler shares. */
export interface RouteDeps {
  readonly config: AppConfig;
  readonly metrics: GatewayMetrics;
  readonly inFlight: InFlight;
  readonly logger: Logger;
  /** the server is stopping: new work is refused and connections are closed after their answer */
  readonly stopping: () => boolean;
}

/**
 * Runs one request's asynchronous work: onAborted is attached before anything is awaited (uWS
 * requires it), the request counts as in flight until answered or abandoned, and whatever the
 * work throws becomes a refusal in the request's format. The reply is written corked, and closes
 * the connection while the server stops.
 */
export function respondLater(deps: RouteDeps, res: HttpResponse, ctx: RequestContext, format: ScanFormat, work: () => Promise<HttpReply | null>): void {
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    deps.inFlight.end();
  };
  deps.inFlight.begin();
  res.onAborted(() => {
    ctx.aborted = true;
    finish();
  });
  work()
    .then(
      (reply) => reply && sendAnswer(deps, res, ctx, reply),
      (err: unknown) => sendAnswer(deps, res, ctx, refuse(deps, ctx, format, err)),
    )
    .finally(finish);
}

/** A reply, closing the connection after it while the server stops. */
export function sendAnswer(deps: RouteDeps, res: HttpResponse, ctx: RequestContext, reply: HttpReply): void {
  deps.inFlight.touch();
  sendReply(res, ctx, deps.stopping() ? { ...reply, close: true } : reply);
}

/** Any failure as the refusal the client sees, counted; unexpected ones are logged. */
export function refuse(deps: RouteDeps, ctx: RequestContext, format: ScanFormat, err: unknown): HttpReply {
  const refusal = refusalOf(err, deps.config.gateway.retryAfterSeconds);
  deps.metrics.rejections.inc({ reason: refusal.reason });
  if (refusal.reason === 'internal') deps.logger.error({ err, path: ctx.path }, 'request failed');
  return refusalReply(refusal, format);
}
