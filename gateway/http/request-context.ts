import type { HttpRequest, HttpResponse } from 'uWebSockets.js';
import { isScangateError, ScangateError } from '../../core/errors.js';
import { clientAddress } from './client-ip.js';
import { walkHeaders, type WalkedHeaders } from './request-headers.js';

/**
 * Everything a handler needs from one request, copied out of uWS's HttpRequest before the
 * handler returns (the HttpRequest is dead after that), plus the request's own state.
 */
export interface RequestContext {
  readonly method: string;
  readonly path: string;
  /** bytes of the request target (path and query) as the client sent it */
  readonly targetBytes: number;
  readonly ip: string;
  readonly accept: string;
  readonly acceptLanguage: string;
  readonly cookie: string;
  readonly userAgent: string;
  readonly contentType: string;
  readonly contentLength: string;
  readonly receivedAt: number;
  /** the body's length is ambiguous: refused on the next event-loop turn and the connection closed (see route-handler.ts) */
  readonly framingError: ScangateError | undefined;
  /** something read from the request makes it unservable (an X-Forwarded-For hop that is no address): refused up front */
  readonly inputError: ScangateError | undefined;
  /** set by onAborted: the client went away and res must not be touched again */
  aborted: boolean;
  /** set once the response is written */
  answered: boolean;
}

const plainHeaders: WalkedHeaders = { framingError: undefined, forwardedFor: '' };

/**
 * Reads a request; never throws, whatever the client sent. Every header line is walked only when
 * one that may repeat matters (a body, or a forwarded-for chain we trust): most scans are plain GETs.
 */
export function readRequest(res: HttpResponse, req: HttpRequest, trustProxy: boolean): RequestContext {
  const path = req.getUrl();
  const query = req.getQuery();
  const contentLength = req.getHeader('content-length');
  const walkNeeded = contentLength !== '' || req.getHeader('transfer-encoding') !== '' || (trustProxy && req.getHeader('x-forwarded-for') !== '');
  const walked = walkNeeded ? walkHeaders((visit) => req.forEach(visit)) : plainHeaders;
  const socketAddress = Buffer.from(res.getRemoteAddressAsText()).toString();
  let ip = socketAddress;
  let inputError: ScangateError | undefined;
  try {
    ip = clientAddress(socketAddress, walked.forwardedFor, trustProxy);
  } catch (err) {
    inputError = isScangateError(err) ? err : new ScangateError('GW_ERR_INTERNAL', 'reading the client address', { cause: err });
  }
  return {
    method: req.getMethod(),
    path,
    targetBytes: Buffer.byteLength(path) + (query ? Buffer.byteLength(query) + 1 : 0),
    ip,
    accept: req.getHeader('accept'),
    acceptLanguage: req.getHeader('accept-language'),
    cookie: req.getHeader('cookie'),
    userAgent: req.getHeader('user-agent'),
    contentType: req.getHeader('content-type'),
    contentLength,
    receivedAt: Date.now(),
    framingError: walked.framingError,
    inputError,
    aborted: false,
    answered: false,
  };
}
