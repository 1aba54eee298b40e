import net from 'node:net';
import type { ScanAnswer } from '../http/scan-answer.js';

/** A phone's browser as far as the fraud rules can tell. */
export const phoneAgent = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';

export interface ScanReply {
  readonly status: number;
  readonly headers: Headers;
  readonly body: ScanAnswer & { error?: string };
  /** the `sgd=...` pair of a Set-Cookie, to send back as the same device */
  readonly cookie: string | undefined;
}

export interface ScanOptions {
  /** the device's cookie pair; none makes the scan a new device */
  readonly cookie?: string;
  readonly userAgent?: string;
  readonly path?: 's' | 'S';
}

async function toReply(response: Response): Promise<ScanReply> {
  const setCookie = response.headers.get('set-cookie');
  return { status: response.status, headers: response.headers, body: (await response.json()) as ScanReply['body'], cookie: setCookie?.split(';')[0] };
}

/** GET /s/<code> asking for JSON, as a mini-program would. */
export async function scanJson(baseUrl: string, code: string, options: ScanOptions = {}): Promise<ScanReply> {
  const response = await fetch(`${baseUrl}/${options.path ?? 's'}/${code}`, {
    headers: { accept: 'application/json', 'user-agent': options.userAgent ?? phoneAgent, ...(options.cookie ? { cookie: options.cookie } : {}) },
  });
  return toReply(response);
}

/** POST /v1/scans. */
export async function postScan(baseUrl: string, body: unknown, options: ScanOptions = {}): Promise<ScanReply> {
  const response = await fetch(`${baseUrl}/v1/scans`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': options.userAgent ?? phoneAgent, ...(options.cookie ? { cookie: options.cookie } : {}) },
    body: JSON.stringify(body),
  });
  return toReply(response);
}

/**
 * Writes raw bytes to the server and collects what it sends until it closes the connection, or
 * `until` says the reply is complete, or it has been silent for `silentMs` (uWS ignores what it
 * does not serve until its ~10 s idle timeout). For what fetch can not send (HTTP/1.0,
 * pipelining, broken requests).
 */
export function rawExchange(port: number, request: string | Buffer, options: { until?: (received: string) => boolean; silentMs?: number } = {}): Promise<string> {
  const { until = () => false, silentMs = 1000 } = options;
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    let silence = setTimeout(() => socket.destroy(), silentMs);
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      received += chunk;
      clearTimeout(silence);
      silence = setTimeout(() => socket.destroy(), silentMs);
      if (until(received)) socket.end();
    });
    socket.on('close', () => {
      clearTimeout(silence);
      resolve(received);
    });
    socket.on('error', reject);
    socket.write(request);
  });
}

/** Statuses of every response in a raw HTTP/1.x byte stream, in order. */
export function statusesIn(received: string): number[] {
  return [...received.matchAll(/HTTP\/1\.[01] (\d{3}) /g)].map((match) => Number(match[1]));
}
