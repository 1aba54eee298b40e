import { errorCatalogue, isScangateError, type ErrorCode } from '../../core/errors.js';
import type { RejectionReason } from '../metrics.js';
import type { Locale } from '../pages/locale.js';
import type { PageState } from '../pages/page-state.js';
import { renderScanPage } from '../pages/scan-page.js';
import { contentTypes, jsonReply, type HttpReply } from './http-reply.js';
import { answerStatus, type ScanAnswer } from './scan-answer.js';
import type { ScanResult } from './scan-service.js';

/** How a scan is answered: the page for a phone's browser, or the JSON contract. */
export type ScanFormat = { readonly kind: 'json' } | { readonly kind: 'html'; readonly locale: Locale };

/** A reply that is not a decision: the error code, its status and what a client should do. */
export interface Refusal {
  readonly code: ErrorCode;
  readonly reason: RejectionReason;
  /** for 429 and 503: seconds until trying again makes sense */
  readonly retryAfterSeconds?: number;
}

const refusalReasons: Partial<Record<ErrorCode, RejectionReason>> = {
  GW_ERR_RATE_LIMITED: 'rate_limited',
  GW_ERR_REDIS_UNAVAILABLE: 'redis_unavailable',
  GW_ERR_DATABASE: 'database_unavailable',
  GW_ERR_CAMPAIGN_RECOVERING: 'campaign_recovering',
  GW_ERR_SHUTTING_DOWN: 'shutting_down',
  GW_ERR_URL_TOO_LONG: 'url_too_long',
  GW_ERR_BODY_TOO_LARGE: 'body_too_large',
  GW_ERR_CONTENT_TYPE: 'content_type',
  GW_ERR_BAD_JSON: 'bad_json',
  GW_ERR_BAD_REQUEST: 'bad_request',
  GW_ERR_FRAMING: 'bad_framing',
  GW_ERR_FORWARDED_FOR: 'bad_forwarded_for',
  GW_ERR_METHOD_NOT_ALLOWED: 'method_not_allowed',
  GW_ERR_NOT_FOUND: 'not_found',
};

/** Any failure as a refusal: catalogued errors keep their code, everything else is internal. 503s say when to retry. */
export function refusalOf(err: unknown, retryAfterSeconds: number): Refusal {
  const code: ErrorCode = isScangateError(err) ? err.code : 'GW_ERR_INTERNAL';
  const reason = refusalReasons[code] ?? 'internal';
  return errorCatalogue[code].status === 503 ? { code, reason, retryAfterSeconds } : { code, reason };
}

/**
 * The page may load nothing from anywhere: inline styles and data: images only, no script.
 * `Vary` because one URL answers HTML or JSON, in Chinese or English.
 */
const pageHeaders: readonly [string, string][] = [
  ['content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"],
  ['referrer-policy', 'no-referrer'],
  ['vary', 'Accept, Accept-Language'],
];

function pageStateOf(status: number): PageState {
  if (status === 429) return 'rate_limited';
  return status >= 500 ? 'unavailable' : 'bad_request';
}

/** The body the client's request could not be served with: never a detail, only the catalogue's words. */
export function refusalReply(refusal: Refusal, format: ScanFormat): HttpReply {
  const { status, message } = errorCatalogue[refusal.code];
  const headers: [string, string][] = refusal.retryAfterSeconds === undefined ? [] : [['retry-after', String(refusal.retryAfterSeconds)]];
  // Refused mid-upload: closing spares receiving (and discarding) the rest of an oversized body;
  // with ambiguous framing, whatever follows on the connection can not be told apart from a body.
  const close = refusal.code === 'GW_ERR_BODY_TOO_LARGE' || refusal.code === 'GW_ERR_FRAMING';
  if (format.kind === 'json') return { ...jsonReply(status, { error: refusal.code, message }, headers), close };
  const page = renderScanPage({ state: pageStateOf(status), locale: format.locale, ...(refusal.retryAfterSeconds !== undefined && { retryAfterSeconds: refusal.retryAfterSeconds }) });
  return { status, contentType: contentTypes.html, body: page, headers: [...headers, ...pageHeaders], close };
}

export function answerReply(result: Extract<ScanResult, { kind: 'answer' }>, format: ScanFormat): HttpReply {
  const answer: ScanAnswer = result.answer;
  const headers: [string, string][] = result.setCookie ? [['set-cookie', result.setCookie]] : [];
  if (format.kind === 'json') return jsonReply(answerStatus(answer), answer, headers);
  const page = renderScanPage({ state: answer.outcome, locale: format.locale, answer, ...(result.campaign && { campaign: result.campaign }) });
  return { status: answerStatus(answer), contentType: contentTypes.html, body: page, headers: [...headers, ...pageHeaders] };
}
