import type { HttpRequest, HttpResponse, TemplatedApp } from 'uWebSockets.js';
import { errorCatalogue, ScangateError } from '../../core/errors.js';
import { pickLocale } from '../pages/locale.js';
import { jsonReply, type HttpReply } from './http-reply.js';
import { isJsonContentType, readJsonBody } from './json-body.js';
import { answerReply, refusalReply, type ScanFormat } from './replies.js';
import type { RequestContext } from './request-context.js';
import { refuse, respondLater, sendAnswer, type RouteDeps } from './route-context.js';
import { jsonRoute, routeHandler } from './route-handler.js';
import { parseScanBody } from './scan-body.js';
import type { ScanInput, ScanResult, ScanService } from './scan-service.js';

export interface ScanRouteDeps extends RouteDeps {
  readonly service: ScanService;
}

/** The JSON contract instead of the page: an Accept that names application/json. */
export const wantsJson = (accept: string): boolean => accept.includes('application/json');

const pageFormatOf = (ctx: RequestContext): ScanFormat => (wantsJson(ctx.accept) ? { kind: 'json' } : { kind: 'html', locale: pickLocale(ctx.acceptLanguage) });

function inputOf(ctx: RequestContext, rawCode: string, location: { lat?: number; lon?: number } = {}): ScanInput {
  return { rawCode, ...location, ip: ctx.ip, userAgent: ctx.userAgent, cookie: ctx.cookie, receivedAt: ctx.receivedAt, abandoned: () => ctx.aborted };
}

/**
 * The scan endpoints. `GET /s/<code>` (and `/S/<code>`, how printed QR URLs spell it) answers the
 * page, or JSON for `Accept: application/json`; `POST /v1/scans` takes `{ code, lat?, lon? }`.
 * Over-long URLs and a stopping server are refused before any work; answers known without Redis
 * (invalid code, refused address) are written inside the handler, the rest after the decision.
 * HEAD on a scan URL is 405: it must be safe, and link checkers and previews send it, so it
 * never decides (or consumes) a code.
 */
export function registerScanRoutes(app: TemplatedApp, deps: ScanRouteDeps): void {
  const { gateway } = deps.config;

  function replyFor(format: ScanFormat, result: ScanResult, startedAt: number): HttpReply | null {
    if (result.kind === 'abandoned') {
      deps.metrics.rejections.inc({ reason: 'client_gone' });
      return null;
    }
    if (result.kind === 'rate_limited') {
      deps.metrics.rejections.inc({ reason: 'rate_limited' });
      return refusalReply({ code: 'GW_ERR_RATE_LIMITED', reason: 'rate_limited', retryAfterSeconds: result.retryAfterSeconds }, format);
    }
    const outcome = result.answer.outcome;
    deps.metrics.scans.inc({ outcome });
    deps.metrics.scanSeconds.observe({ outcome }, (performance.now() - startedAt) / 1000);
    return answerReply(result, format);
  }

  /** Refusals decided from the request line and headers alone. */
  function refusedUpFront(ctx: RequestContext): ScangateError | undefined {
    if (deps.stopping()) return new ScangateError('GW_ERR_SHUTTING_DOWN');
    if (ctx.inputError) return ctx.inputError;
    if (ctx.targetBytes > gateway.maxUrlBytes) return new ScangateError('GW_ERR_URL_TOO_LONG', `${ctx.targetBytes} bytes`);
    return undefined;
  }

  function scanPage(res: HttpResponse, req: HttpRequest, ctx: RequestContext): void {
    const startedAt = performance.now();
    const rawCode = req.getParameter(0) ?? '';
    const format = pageFormatOf(ctx);
    const refusal = refusedUpFront(ctx);
    if (refusal) return sendAnswer(deps, res, ctx, refuse(deps, ctx, format, refusal));
    let result: ScanResult | Promise<ScanResult>;
    try {
      result = deps.service.scan(inputOf(ctx, rawCode));
    } catch (err) {
      // uWS ends the process when a handler throws without answering: nothing may escape.
      return sendAnswer(deps, res, ctx, refuse(deps, ctx, format, err));
    }
    if (result instanceof Promise) {
      respondLater(deps, res, ctx, format, async () => replyFor(format, await result, startedAt));
      return;
    }
    const reply = replyFor(format, result, startedAt);
    if (reply) sendAnswer(deps, res, ctx, reply);
  }

  function scanApi(res: HttpResponse, _req: HttpRequest, ctx: RequestContext): void {
    const startedAt = performance.now();
    const format: ScanFormat = { kind: 'json' };
    const refusal = refusedUpFront(ctx);
    if (refusal) return sendAnswer(deps, res, ctx, refuse(deps, ctx, format, refusal));
    respondLater(deps, res, ctx, format, async () => {
      if (!isJsonContentType(ctx.contentType)) throw new ScangateError('GW_ERR_CONTENT_TYPE', ctx.contentType || 'none');
      const body = parseScanBody(await readJsonBody(res, ctx, gateway.maxBodyBytes));
      return replyFor(format, await deps.service.scan(inputOf(ctx, body.code, body.lat === undefined ? {} : { lat: body.lat, lon: body.lon })), startedAt);
    });
  }

  function headNotAllowed(res: HttpResponse, _req: HttpRequest, ctx: RequestContext): void {
    deps.metrics.rejections.inc({ reason: 'method_not_allowed' });
    const { status, message } = errorCatalogue.GW_ERR_METHOD_NOT_ALLOWED;
    sendAnswer(deps, res, ctx, jsonReply(status, { error: 'GW_ERR_METHOD_NOT_ALLOWED', message }, [['allow', 'GET']]));
  }

  const page = { trustProxy: gateway.trustProxy, formatOf: pageFormatOf };
  const api = { ...jsonRoute, trustProxy: gateway.trustProxy };
  for (const path of ['/s/:code', '/S/:code']) app.get(path, routeHandler(deps, page, scanPage)).head(path, routeHandler(deps, page, headNotAllowed));
  app.post('/v1/scans', routeHandler(deps, api, scanApi));
}
