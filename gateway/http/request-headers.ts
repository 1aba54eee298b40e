import { ScangateError } from '../../core/errors.js';

/** Calls `visit` with every header line of a request, in order (uWS's `HttpRequest.forEach`). */
export type HeaderLines = (visit: (name: string, value: string) => void) => void;

/** What only a walk over every header line shows: uWS's `getHeader` answers a name's first line alone. */
export interface WalkedHeaders {
  /** why the body's length is ambiguous, if it is: such a request is refused and its connection closed */
  readonly framingError: ScangateError | undefined;
  /** every X-Forwarded-For line, joined in order (a proxy may add its own line rather than extend the client's) */
  readonly forwardedFor: string;
}

/**
 * Reads the headers that frame the body and the forwarded-for chain. uWS frames the body by the
 * first Content-Length line and ignores the others, so a request with two (or a transfer coding
 * it does not apply) would be read one way here and another way by a proxy in front: the
 * request-smuggling desync. Such a request is refused, never guessed at.
 */
export function walkHeaders(lines: HeaderLines): WalkedHeaders {
  let contentLengths = 0;
  const transferEncodings: string[] = [];
  const forwardedFor: string[] = [];
  lines((name, value) => {
    if (name === 'content-length') contentLengths++;
    else if (name === 'transfer-encoding') transferEncodings.push(value);
    else if (name === 'x-forwarded-for') forwardedFor.push(value);
  });
  return { framingError: framingErrorOf(contentLengths, transferEncodings), forwardedFor: forwardedFor.join(',') };
}

function framingErrorOf(contentLengths: number, transferEncodings: readonly string[]): ScangateError | undefined {
  if (contentLengths > 1) return new ScangateError('GW_ERR_FRAMING', `${contentLengths} Content-Length headers`);
  if (transferEncodings.length > 1) return new ScangateError('GW_ERR_FRAMING', `${transferEncodings.length} Transfer-Encoding headers`);
  if (transferEncodings.length === 0) return undefined;
  if (contentLengths > 0) return new ScangateError('GW_ERR_FRAMING', 'both Content-Length and Transfer-Encoding');
  // uWS applies chunked alone: "gzip, chunked" would hand over a body still compressed.
  const coding = transferEncodings[0]?.trim().toLowerCase();
  return coding === 'chunked' ? undefined : new ScangateError('GW_ERR_FRAMING', 'a transfer coding other than chunked');
}
