import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGatewayHarness, testCampaign, type GatewayHarness, type TestBatch } from '../testing/gateway-harness.js';
import { scanJson, statusesIn } from '../testing/scan-client.js';
import type { RunningGateway } from '../main.js';

let harness: GatewayHarness;
let gateway: RunningGateway;
let base: string;
let batch: TestBatch;

beforeAll(async () => {
  harness = await createGatewayHarness();
  batch = await harness.addBatch(testCampaign('http-framing'), { count: 40 });
  gateway = await harness.startGateway();
  base = `http://127.0.0.1:${gateway.port}`;
});

afterAll(() => harness.close());

interface Conversation {
  readonly received: string;
  /** the server closed the connection (else it was still open after `openMs`) */
  readonly closed: boolean;
}

/** Writes raw bytes and collects the answer until the server closes the connection, or `openMs` passes with it open. */
function converse(request: string, openMs: number): Promise<Conversation> {
  return new Promise((resolve) => {
    const socket = net.connect(gateway.port, '127.0.0.1');
    let received = '';
    const giveUp = setTimeout(() => {
      socket.destroy();
      resolve({ received, closed: false });
    }, openMs);
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(giveUp);
      resolve({ received, closed: true });
    });
    socket.write(Buffer.from(request, 'latin1'));
  });
}

/** Long enough for any answer and close that follows at once; uWS's idle timeout (about 10 s) is not waited for. */
const ANSWER_MS = 5000;
/** Past uWS's idle timeout (HTTP_IDLE_TIMEOUT_S = 10, checked on a 4 s timer) with room for a loaded machine. */
const IDLE_CLOSE_MS = 40_000;

const scanPost = (headers: string, body: string) => `POST /v1/scans HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n${headers}\r\n${body}`;
const bodyAfterHeaders = (raw: string) => raw.slice(raw.indexOf('\r\n\r\n') + 4);

describe('ambiguous body framing: 400 and the connection closed', () => {
  it('refuses repeated Content-Length (different or equal), repeated or unsupported Transfer-Encoding', async () => {
    const body = JSON.stringify({ code: 'X' });
    const requests = [
      scanPost(`Content-Length: ${body.length}\r\nContent-Length: 40\r\n`, body),
      scanPost(`Content-Length: 40\r\nContent-Length: ${body.length}\r\n`, body),
      scanPost(`Content-Length: ${body.length}\r\nContent-Length: ${body.length}\r\n`, body),
      scanPost('Transfer-Encoding: gzip, chunked\r\n', `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`),
      scanPost('Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n', `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`),
    ];
    for (const request of requests) {
      const { received, closed } = await converse(request, ANSWER_MS);
      expect(statusesIn(received), request).toEqual([400]);
      expect(received).toMatch(/\r\nConnection: close\r\n/i);
      expect(JSON.parse(bodyAfterHeaders(received))).toEqual({ error: 'GW_ERR_FRAMING', message: expect.any(String) });
      expect(closed, request).toBe(true);
    }
    const metrics = await (await fetch(`http://127.0.0.1:${gateway.opsPort}/metrics`)).text();
    expect(metrics).toMatch(/^scangate_http_rejections_total\{reason="bad_framing"\} 5$/m);
  });

  it('never serves a request smuggled behind a body framed by the first of two Content-Lengths', async () => {
    const smuggled = 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n';
    for (const [first, second] of [[5, 5 + smuggled.length], [5 + smuggled.length, 5]]) {
      const { received, closed } = await converse(`POST /v1/scans HTTP/1.1\r\nHost: x\r\nContent-Length: ${first}\r\nContent-Length: ${second}\r\n\r\nhello${smuggled}`, ANSWER_MS);
      // The smuggled bytes arrive with the request, so uWS drops the connection before the 400 is due; split apart, the 400 comes first.
      expect(statusesIn(received).every((status) => status === 400)).toBe(true);
      expect(received).not.toContain('"status":"ok"');
      expect(closed).toBe(true);
    }
  });

  it('refuses a scan page request with two Content-Lengths without deciding its code', async () => {
    const code = batch.fresh();
    const { received, closed } = await converse(`GET /s/${code} HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\nContent-Length: 0\r\nContent-Length: 3\r\n\r\n`, ANSWER_MS);
    expect(statusesIn(received)).toEqual([400]);
    expect(closed).toBe(true);
    expect((await scanJson(base, code)).body).toMatchObject({ outcome: 'won', replay: false });
  });
});

describe('HEAD: headers only, never a body', () => {
  it('answers HEAD /healthz like GET without the body, so the next response on the connection is read right', async () => {
    const get = await fetch(`${base}/healthz`);
    const getBody = await get.text();
    const { received } = await converse('HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', ANSWER_MS);
    expect(statusesIn(received)).toEqual([200, 200]);
    expect(received).toMatch(new RegExp(`^HTTP/1.1 200 OK\\r\\n[^]*?content-length: ${Buffer.byteLength(getBody)}\\r\\n[^]*?\\r\\n\\r\\nHTTP/1.1 200 OK\\r\\n`, 'i'));
    expect(received.endsWith(getBody)).toBe(true);
  });

  it('keeps a keep-alive client (node:http) in step across HEAD answers on every kind of route', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const send = (method: string, path: string) =>
      new Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders; reused: boolean }>((resolve, reject) => {
        const request = http.request(`${base}${path}`, { method, agent, headers: { accept: 'application/json' } }, (response) => {
          let body = '';
          response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body, headers: response.headers, reused: request.reusedSocket }));
        });
        request.on('error', reject).end();
      });
    try {
      const code = batch.fresh();
      const heads = [
        ['/healthz', 200],
        ['/readyz', 200],
        ['/nowhere', 404],
        ['/v1/scans', 404],
        [`/s/${code}`, 405],
        [`/S/${code}`, 405],
      ] as const;
      for (const [path, status] of heads) {
        const head = await send('HEAD', path);
        expect([path, head.status, head.body]).toEqual([path, status, '']);
        expect((await send('GET', '/healthz')).body).toBe('{"status":"ok"}');
      }
      const refused = await send('HEAD', `/s/${code}`);
      expect(refused.headers.allow).toBe('GET');
      expect(refused.reused).toBe(true);
      // HEAD never decides: the code is still fresh.
      expect((await scanJson(base, code)).body).toMatchObject({ outcome: 'won', replay: false });
    } finally {
      agent.destroy();
    }
  });
});

describe('what the uWS 20.30 parser refuses before any handler runs (README: HTTP limits)', () => {
  it('answers a request of 48 header lines (49 are refused below)', async () => {
    const headers = Array.from({ length: 46 }, (_, i) => `X-Pad-${i}: v\r\n`).join('');
    const { received } = await converse(`GET /healthz HTTP/1.1\r\nHost: x\r\n${headers}Connection: close\r\n\r\n`, ANSWER_MS);
    expect(statusesIn(received)).toEqual([200]);
  });

  it('closes at once without an answer: Content-Length with Transfer-Encoding, a bad Content-Length or chunk size, a lower-case method, a huge header section', async () => {
    const chunk = '5\r\nhello\r\n0\r\n\r\n';
    const cases = [
      scanPost('Content-Length: 5\r\nTransfer-Encoding: chunked\r\n', chunk),
      scanPost('Transfer-Encoding: chunked\r\nContent-Length: 5\r\n', chunk),
      scanPost('Content-Length: 5x\r\n', 'hello'),
      scanPost('Content-Length: -5\r\n', 'hello'),
      scanPost('Transfer-Encoding: chunked\r\n', 'zz\r\nhello\r\n0\r\n\r\n'),
      'get /healthz HTTP/1.1\r\nHost: x\r\n\r\n',
      // a header section this large is reset (100 KB is still answered)
      `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(200_000)}\r\n\r\n`,
    ];
    for (const request of cases) expect(await converse(request, ANSWER_MS), request.slice(0, 120)).toEqual({ received: '', closed: true });
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('sends nothing and closes only at the idle timeout: bad request lines and header names, no Host, HTTP/1.0, 49+ headers, control characters', async () => {
    const host = 'Host: x\r\n';
    const cases = [
      `GARBAGE\r\n${host}\r\n`,
      `GET /healthz HTTP/1.1 extra\r\n${host}\r\n`,
      `GET  /healthz HTTP/1.1\r\n${host}\r\n`,
      `GET /healthz HTTP/9.9\r\n${host}\r\n`,
      `GET /healthz HTTP/1.1\r\n${host}Bad Name: v\r\n\r\n`,
      `GET /healthz HTTP/1.1\r\n${host}Bad@Name: v\r\n\r\n`,
      `GET /healthz HTTP/1.1\r\n${host}NoColon\r\n\r\n`,
      `GET /healthz HTTP/1.1\r\n${host}X-Space : v\r\n\r\n`,
      `GET /healthz HTTP/1.1\r\n${host}X-Folded: v\r\n  folded\r\n\r\n`,
      'GET /healthz HTTP/1.1\r\n\r\n',
      `GET /healthz HTTP/1.0\r\n${host}\r\n`,
      `GET /healthz HTTP/1.1\r\n${host}${Array.from({ length: 48 }, (_, i) => `X-Pad-${i}: v\r\n`).join('')}\r\n`,
      `GET /healthz HTTP/1.1\r\n${host}X-Ctl: a\u0001b\r\n\r\n`,
      `GET /healthz\u0001 HTTP/1.1\r\n${host}\r\n`,
      `GET /healthz HTTP/1.1\n${host.replace('\r', '')}\n`,
    ];
    const conversations = await Promise.all(cases.map((request) => converse(request, IDLE_CLOSE_MS)));
    conversations.forEach((conversation, i) => expect(conversation, cases[i]).toEqual({ received: '', closed: true }));
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  }, IDLE_CLOSE_MS + 10_000);

  it('accepts sloppy chunked encoding (chunk data without its CRLF) as if it were well-formed', async () => {
    const body = JSON.stringify({ code: 'X' });
    const { received } = await converse(scanPost('Transfer-Encoding: chunked\r\nConnection: close\r\n', `${body.length.toString(16)}\r\n${body}0\r\n\r\n`), ANSWER_MS);
    expect(statusesIn(received)).toEqual([404]);
    expect(JSON.parse(bodyAfterHeaders(received))).toMatchObject({ outcome: 'invalid' });
  });
});
