import type { HttpRequest, HttpResponse } from 'uWebSockets.js';
import type { ScanFormat } from './replies.js';
import { readRequest, type RequestContext } from './request-context.js';
import { respondLater, type RouteDeps } from './route-context.js';

export type RouteHandler = (res: HttpResponse, req: HttpRequest, ctx: RequestContext) => void;

export interface RouteOptions {
  /** take the client address from X-Forwarded-For (scan routes, with gateway.trustProxy) */
  readonly trustProxy: boolean;
  /** how a refusal of this request is written */
  readonly formatOf: (ctx: RequestContext) => ScanFormat;
}

/** Routes that answer JSON and read the socket's address only (health, the 404). */
export const jsonRoute: RouteOptions = { trustProxy: false, formatOf: () => ({ kind: 'json' }) };

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Every public route goes through here. The request is read (which never throws); one whose body
 * framing is ambiguous is refused with 400 and its connection closed, on the next event-loop turn:
 * bytes already received behind it (a smuggled request) are parsed by uWS before that turn, and
 * uWS drops a connection that pipelines behind a pending answer instead of serving them. Last, an
 * exception from the handler closes the connection: uWS would end the whole process over it.
 */
export function routeHandler(deps: RouteDeps, options: RouteOptions, handle: RouteHandler): (res: HttpResponse, req: HttpRequest) => void {
  return (res, req) => {
    try {
      const ctx = readRequest(res, req, options.trustProxy);
      const { framingError } = ctx;
      if (framingError === undefined) return handle(res, req, ctx);
      respondLater(deps, res, ctx, options.formatOf(ctx), async () => {
        await nextTurn();
        throw framingError;
      });
    } catch (err) {
      deps.logger.error({ err, url: req.getUrl() }, 'request handler threw');
      try {
        res.close();
      } catch {
        // answered or aborted already: nothing is left to close
      }
    }
  };
}
