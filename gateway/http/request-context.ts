import type { HttpRequest, HttpResponse } from 'uWebSockets.js';
import { clientAddress } from './client-ip.js';

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
  /** set by onAborted: the client went away and res must not be touched again */
  aborted: boolean;
  /** set once the response is written */
  answered: boolean;
}

export function readRequest(res: HttpResponse, req: HttpRequest, trustProxy: boolean): RequestContext {
  const path = req.getUrl();
  const query = req.getQuery();
  return {
    method: req.getMethod(),
    path,
    targetBytes: Buffer.byteLength(path) + (query ? Buffer.byteLength(query) + 1 : 0),
    ip: clientAddress(Buffer.from(res.getRemoteAddressAsText()).toString(), trustProxy ? req.getHeader('x-forwarded-for') : '', trustProxy),
    accept: req.getHeader('accept'),
    acceptLanguage: req.getHeader('accept-language'),
    cookie: req.getHeader('cookie'),
    userAgent: req.getHeader('user-agent'),
    contentType: req.getHeader('content-type'),
    contentLength: req.getHeader('content-length'),
    receivedAt: Date.now(),
    aborted: false,
    answered: false,
  };
}
