import type { HttpRequest, HttpResponse, TemplatedApp } from 'uWebSockets.js';
import { ScangateError } from '../../core/errors.js';
import { pickLocale } from '../pages/locale.js';
import type { HttpReply } from './http-reply.js';
import { isJsonContentType, readJsonBody } from './json-body.js';
import { answerReply, refusalReply, type ScanFormat } from './replies.js';
import { readRequest, type RequestContext } from './request-context.js';
import { refuse, respondLater, sendAnswer, type RouteDeps } from './route-context.js';
import { parseScanBody } from './scan-body.js';
import type { ScanInput, ScanResult, ScanService } from './scan-service.js';

export interface ScanRouteDeps extends RouteDeps {
  readonly service: ScanService;
}

const wantsJson = (accept: string): boolean => accept.includes('application/json');

function inputOf(ctx: RequestContext, rawCode: string, location: { lat?: number; lon?: number } = {}): ScanInput {
  return { rawCode, ...location, ip: ctx.ip, userAgent: ctx.userAgent, cookie: ctx.cookie, receivedAt: ctx.receivedAt, abandoned: () => ctx.aborted };
}

/**
 * The scan endpoints. `GET /s/<code>` (and `/S/<code>`, how printed QR URLs spell it) answers the
 * page, or JSON for `Accept: application/json`; `POST /v1/scans` takes `{ code, lat?, lon? }`.
 * Over-long URLs and a stopping server are refused before any work; answers known without Redis
 * (invalid code, refused address) are written inside the handler, the rest after the decision.
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

  /** Refusals decided from the request line alone. */
  function refusedUpFront(ctx: RequestContext): ScangateError | undefined {
    if (deps.stopping()) return new ScangateError('GW_ERR_SHUTTING_DOWN');
    if (ctx.targetBytes > gateway.maxUrlBytes) return new ScangateError('GW_ERR_URL_TOO_LONG', `${ctx.targetBytes} bytes`);
    return undefined;
  }

  function scanPage(res: HttpResponse, req: HttpRequest): void {
    const startedAt = performance.now();
    const ctx = readRequest(res, req, gateway.trustProxy);
    const rawCode = req.getParameter(0) ?? '';
    const format: ScanFormat = wantsJson(ctx.accept) ? { kind: 'json' } : { kind: 'html', locale: pickLocale(ctx.acceptLanguage) };
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

  function scanApi(res: HttpResponse, req: HttpRequest): void {
    const startedAt = performance.now();
    const ctx = readRequest(res, req, gateway.trustProxy);
    const format: ScanFormat = { kind: 'json' };
    const refusal = refusedUpFront(ctx);
    if (refusal) return sendAnswer(deps, res, ctx, refuse(deps, ctx, format, refusal));
    respondLater(deps, res, ctx, format, async () => {
      if (!isJsonContentType(ctx.contentType)) throw new ScangateError('GW_ERR_CONTENT_TYPE', ctx.contentType || 'none');
      const body = parseScanBody(await readJsonBody(res, ctx, gateway.maxBodyBytes));
      return replyFor(format, await deps.service.scan(inputOf(ctx, body.code, body.lat === undefined ? {} : { lat: body.lat, lon: body.lon })), startedAt);
    });
  }

  app.get('/s/:code', scanPage).get('/S/:code', scanPage).post('/v1/scans', scanApi);
}
