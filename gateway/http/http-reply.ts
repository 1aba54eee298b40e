import type { HttpResponse } from 'uWebSockets.js';
import type { RequestContext } from './request-context.js';

/** A complete response, built before anything is written so it can go out in one corked write. */
export interface HttpReply {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
  readonly headers?: readonly (readonly [name: string, value: string])[];
  /** close the connection after this response (body left unread, or the server is stopping) */
  readonly close?: boolean;
}

const statusLines: Record<number, string> = {
  200: '200 OK',
  400: '400 Bad Request',
  404: '404 Not Found',
  405: '405 Method Not Allowed',
  413: '413 Payload Too Large',
  414: '414 URI Too Long',
  415: '415 Unsupported Media Type',
  429: '429 Too Many Requests',
  500: '500 Internal Server Error',
  503: '503 Service Unavailable',
};

export const contentTypes = { json: 'application/json; charset=utf-8', html: 'text/html; charset=utf-8', text: 'text/plain; charset=utf-8' } as const;

/**
 * Writes a reply (without its body for HEAD) unless the client is gone or it was answered
 * already. Everything goes inside one cork: after an await uWS would otherwise send the status,
 * each header and the body as separate syscalls.
 */
export function sendReply(res: HttpResponse, ctx: RequestContext, reply: HttpReply): void {
  if (ctx.aborted || ctx.answered) return;
  ctx.answered = true;
  res.cork(() => {
    res.writeStatus(statusLines[reply.status] ?? String(reply.status));
    res.writeHeader('content-type', reply.contentType);
    res.writeHeader('cache-control', 'no-store');
    res.writeHeader('x-content-type-options', 'nosniff');
    for (const [name, value] of reply.headers ?? []) res.writeHeader(name, value);
    if (ctx.method !== 'head') res.end(reply.body, reply.close ?? false);
    // HEAD: the headers GET would carry and no body (a body would be read as the next response).
    // endWithoutBody(length, close) aborts the process in uWS 20.30, so a HEAD answer that must
    // close goes through end(''): its Content-Length: 0 is false metadata, but no body bytes.
    else if (reply.close) res.end('', true);
    else res.writeHeader('content-length', String(Buffer.byteLength(reply.body))).endWithoutBody();
  });
}

export function jsonReply(status: number, value: unknown, headers?: HttpReply['headers']): HttpReply {
  return { status, contentType: contentTypes.json, body: JSON.stringify(value), ...(headers ? { headers } : {}) };
}
