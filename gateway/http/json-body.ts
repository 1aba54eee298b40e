import type { HttpResponse } from 'uWebSockets.js';
import { ScangateError } from '../../core/errors.js';
import type { RequestContext } from './request-context.js';

/** application/json, with or without parameters (charset); the media type is case-insensitive. */
export function isJsonContentType(contentType: string): boolean {
  const mediaType = contentType.split(';', 1)[0]?.trim().toLowerCase();
  return mediaType === 'application/json';
}

/** A whole body as JSON (UTF-8), or GW_ERR_BAD_JSON. */
export function parseJsonBody(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new ScangateError('GW_ERR_BAD_JSON', err instanceof Error ? err.message : undefined);
  }
}

/**
 * Reads a request body of at most `maxBytes` and parses it as JSON. uWS hands the body over in
 * chunks whose memory it reuses, so each is copied. Must be called before the handler returns.
 * Rejects with GW_ERR_BODY_TOO_LARGE as soon as the limit is passed (a declared Content-Length
 * over it is refused before a byte is read) and GW_ERR_BAD_JSON when it does not parse.
 */
export function readJsonBody(res: HttpResponse, ctx: RequestContext, maxBytes: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    if (ctx.contentLength !== '' && Number(ctx.contentLength) > maxBytes) {
      reject(new ScangateError('GW_ERR_BODY_TOO_LARGE', `${ctx.contentLength} bytes declared, ${maxBytes} allowed`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    res.onData((chunk, isLast) => {
      if (done) return;
      size += chunk.byteLength;
      if (size > maxBytes) {
        done = true;
        reject(new ScangateError('GW_ERR_BODY_TOO_LARGE', `more than ${maxBytes} bytes`));
        return;
      }
      chunks.push(Buffer.from(chunk.slice(0)));
      if (!isLast) return;
      done = true;
      try {
        resolve(parseJsonBody(Buffer.concat(chunks, size)));
      } catch (err) {
        reject(err);
      }
    });
  });
}
