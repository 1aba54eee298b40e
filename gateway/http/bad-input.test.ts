import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaignKeys } from '../../core/redis/keys.js';
import { findFreePort } from '../../core/services/free-port.js';
import { createGatewayHarness, testCampaign, type GatewayHarness, type TestBatch } from '../testing/gateway-harness.js';
import { phoneAgent, postScan, rawExchange, scanJson, statusesIn } from '../testing/scan-client.js';
import type { RunningGateway } from '../main.js';

let harness: GatewayHarness;
let gateway: RunningGateway;
let base: string;
let batch: TestBatch;

beforeAll(async () => {
  harness = await createGatewayHarness();
  batch = await harness.addBatch(testCampaign('bad-input'), { count: 50 });
  // A high forged limit: the invalid codes sent here must not trip the flood defence tested apart.
  gateway = await harness.startGateway({ gateway: { forgedPerIpLimit: 10_000, forgedPerNetworkLimit: 10_000 } });
  base = `http://127.0.0.1:${gateway.port}`;
});

afterAll(() => harness.close());

const post = (body: string | Buffer, contentType = 'application/json') =>
  fetch(`${base}/v1/scans`, { method: 'POST', headers: { 'content-type': contentType, 'user-agent': phoneAgent }, body });

describe('malformed requests are answered, never with a 5xx', () => {
  it('414 for a URL over 2 KB', async () => {
    const reply = await fetch(`${base}/s/${'A'.repeat(3000)}`, { headers: { accept: 'application/json' } });
    expect(reply.status).toBe(414);
    expect(await reply.json()).toEqual({ error: 'GW_ERR_URL_TOO_LONG', message: expect.any(String) });
    expect((await fetch(`${base}/s/${batch.fresh()}?${'x'.repeat(2100)}`)).status).toBe(414);
  });

  it('413 for a body over 4 KB, declared or streamed', async () => {
    const reply = await post(JSON.stringify({ code: batch.fresh(), pad: 'x'.repeat(5000) }));
    expect(reply.status).toBe(413);
    expect(await reply.json()).toMatchObject({ error: 'GW_ERR_BODY_TOO_LARGE' });
    // chunked: no Content-Length to refuse up front, so the limit applies while reading
    const chunked = `POST /v1/scans HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n1400\r\n${'x'.repeat(0x1400)}\r\n0\r\n\r\n`;
    const raw = await rawExchange(gateway.port, chunked, { until: (received) => received.includes('\r\n\r\n') });
    expect(statusesIn(raw)[0]).toBeGreaterThanOrEqual(400);
    expect(statusesIn(raw)[0]).toBeLessThan(500);
  });

  it('415 for a body that is not application/json', async () => {
    const reply = await post(JSON.stringify({ code: batch.fresh() }), 'text/plain');
    expect(reply.status).toBe(415);
    expect(await reply.json()).toMatchObject({ error: 'GW_ERR_CONTENT_TYPE' });
    expect((await post('{}', 'application/json; charset=utf-8')).status).toBe(400);
  });

  it('400 for JSON that does not parse or does not fit', async () => {
    for (const body of ['{"code":', 'null', '[]', '{"code":42}', '{"code":"X","lat":1}', '{"code":"X","lat":"a","lon":2}', '\u00ff\u00fe']) {
      const reply = await post(body);
      expect(reply.status, body).toBe(400);
      expect(((await reply.json()) as { error: string }).error, body).toMatch(/^GW_ERR_(BAD_JSON|BAD_REQUEST)$/);
    }
  });

  it('invalid (404) for non-ASCII, control characters and path tricks in the code', async () => {
    for (const code of ['ÄÖÜ', '码码码', 'AB\u0000CD', 'A\r\nSet-Cookie: x=1', '../../etc/passwd', '..%2F..%2Fetc', '', ' '.repeat(40), '<script>']) {
      const reply = await postScan(base, { code });
      expect(reply.status, JSON.stringify(code)).toBe(404);
      expect(reply.body.outcome).toBe('invalid');
    }
    for (const path of ['/s/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd', '/s/%E7%A0%81', '/s/%00%0A', '/S/..;']) {
      const reply = await fetch(`${base}${path}`, { headers: { accept: 'application/json' } });
      expect(reply.status, path).toBe(404);
      expect(((await reply.json()) as { outcome: string }).outcome, path).toBe('invalid');
    }
    const raw = await rawExchange(gateway.port, 'GET /s/\u00e4\u00ff\u0001 HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\nConnection: close\r\n\r\n');
    expect(statusesIn(raw)).not.toContain(500);
  });

  it('404 JSON for unknown routes and methods', async () => {
    for (const [method, path] of [['GET', '/'], ['GET', '/s/'], ['GET', '/s/a/b'], ['GET', '/../../etc/passwd'], ['DELETE', '/v1/scans'], ['POST', '/s/X']]) {
      const reply = await fetch(`${base}${path}`, { method });
      expect(reply.status, `${method} ${path}`).toBe(404);
      expect(await reply.json()).toMatchObject({ error: 'GW_ERR_NOT_FOUND' });
    }
  });

  it('a tampered device cookie makes a new device, not an error', async () => {
    const first = await scanJson(base, batch.fresh());
    const [name, value = ''] = (first.cookie ?? '').split('=');
    const tampered = `${name}=${value.slice(0, 5)}${value[5] === 'A' ? 'B' : 'A'}${value.slice(6)}`;
    for (const cookie of [tampered, 'sgd=garbage', 'sgd=', `sgd=${'A'.repeat(3000)}`]) {
      const reply = await scanJson(base, batch.fresh(), { cookie });
      expect(reply.status).toBe(200);
      expect(reply.body.outcome).toBe('won');
      expect(reply.cookie).toMatch(/^sgd=/);
      expect(reply.cookie).not.toBe(first.cookie);
    }
  });
});

describe('awkward clients', () => {
  // uWS (v20) serves HTTP/1.1 only: an HTTP/1.0 request never reaches a handler and the connection
  // idles until uWS's timeout closes it.
  it('closes slow-loris connections that dribble their headers, and keeps serving meanwhile', async () => {
    // Each sends a byte of an endless header every 300 ms: uWS's idle timeout is not reset by them.
    const dribblers = Array.from({ length: 20 }, () => {
      const socket = net.connect(gateway.port, '127.0.0.1');
      const header = `GET /s/${'A'.repeat(30)} HTTP/1.1\r\nHost: x\r\nX-Slow: `;
      let sent = 0;
      const timer = setInterval(() => socket.write(header[sent++ % header.length] ?? 'a'), 300);
      return new Promise<boolean>((resolve) => {
        socket.on('close', () => resolve(true)).on('error', () => undefined);
        setTimeout(() => resolve(false), 25_000).unref();
      }).finally(() => clearInterval(timer));
    });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await scanJson(base, batch.fresh())).body.outcome).toBe('won');
    expect(await Promise.all(dribblers)).toEqual(Array(20).fill(true));
  }, 40_000);

  it('leaves an HTTP/1.0 request unanswered (uWS) and keeps serving', async () => {
    const raw = await rawExchange(gateway.port, `GET /s/${batch.fresh()} HTTP/1.0\r\nHost: x\r\nAccept: application/json\r\n\r\n`);
    expect(raw).toBe('');
    expect((await scanJson(base, batch.fresh())).body.outcome).toBe('won');
  });

  it('answers pipelined requests that need no Redis in order', async () => {
    const get = (path: string, last = false) => `GET ${path} HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\n${last ? 'Connection: close\r\n' : ''}\r\n`;
    const raw = await rawExchange(gateway.port, get('/s/NOPE') + get('/healthz') + get('/nowhere') + get(`/s/${'A'.repeat(2100)}`, true));
    expect(statusesIn(raw)).toEqual([404, 200, 404, 414]);
    expect(raw.indexOf('"outcome":"invalid"')).toBeLessThan(raw.indexOf('"status":"ok"'));
  });

  // uWS can not pipeline behind a deferred answer: it aborts the pending response and closes.
  it('drops a scan whose pipelined successor aborted it before the decision, leaving the code unused', async () => {
    const code = batch.fresh();
    const get = (path: string) => `GET ${path} HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\n\r\n`;
    expect(await rawExchange(gateway.port, get(`/s/${code}`) + get('/healthz'))).toBe('');
    expect((await scanJson(base, code)).body).toMatchObject({ outcome: 'won', replay: false });
  });

  it('survives clients that disconnect mid-request', async () => {
    const hangUps = [
      `GET /s/${batch.fresh()} HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\n\r\n`,
      'POST /v1/scans HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{"code":"',
      'GET /s/ABC HTTP/1.1\r\nHost: x\r\nAcc',
    ];
    await Promise.all(
      hangUps.map(
        (request) =>
          new Promise<void>((resolve) => {
            const socket = net.connect(gateway.port, '127.0.0.1', () => {
              socket.write(request);
              socket.destroy();
              resolve();
            });
          }),
      ),
    );
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await scanJson(base, batch.fresh())).body.outcome).toBe('won');
  });
});

describe('defences', () => {
  it('past its forged-code budget an address gets 429 for further forged codes, while its genuine codes are still decided', async () => {
    const limited = await harness.startGateway({ gateway: { forgedPerIpLimit: 5, forgedWindowSeconds: 86_400 } });
    const limitedBase = `http://127.0.0.1:${limited.port}`;
    for (let i = 0; i < 5; i++) expect((await scanJson(limitedBase, `FORGED${i}`)).status).toBe(404);
    const refused = await scanJson(limitedBase, 'FORGED-AGAIN');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.body).toMatchObject({ error: 'GW_ERR_RATE_LIMITED' });
    // a genuine code from the same address is decided (its forged history is a fraud feature, not a refusal)
    const genuine = await scanJson(limitedBase, batch.fresh());
    expect(genuine.status).toBe(200);
    expect(genuine.body.outcome).toMatch(/^(won|held)$/);
    expect((await fetch(`${limitedBase}/s/${batch.fresh()}`, { headers: { 'accept-language': 'en' } })).status).toBe(200);
    const page = await fetch(`${limitedBase}/s/X`, { headers: { 'accept-language': 'en' } });
    expect(page.status).toBe(429);
    expect(await page.text()).toContain('Too many attempts');
    const metrics = await (await fetch(`http://127.0.0.1:${limited.opsPort}/metrics`)).text();
    expect(metrics).toMatch(/^scangate_http_rejections_total\{reason="rate_limited"\} 2$/m);
    expect(metrics).toMatch(/^scangate_forged_codes_total 7$/m);
    expect(metrics).toMatch(/^scangate_forged_codes_window\{campaign="\(unattributed\)"\} 7$/m);
    expect(metrics).toMatch(/^scangate_forged_limiter_bytes [1-9]\d*$/m);
  });

  it('counts forged codes against the campaign their batch field names, and raises the enumeration alarm', async () => {
    const alarmed = await harness.startGateway({ gateway: { forgedCampaignAlarmAt: 3, forgedWindowSeconds: 86_400 } });
    const alarmedBase = `http://127.0.0.1:${alarmed.port}`;
    const metricsOf = async () => (await fetch(`http://127.0.0.1:${alarmed.opsPort}/metrics`)).text();
    const forgedOfBatch = (code: string) => `${code.slice(0, -1)}${code.endsWith('0') ? '1' : '0'}`;
    expect((await scanJson(alarmedBase, forgedOfBatch(batch.fresh()))).status).toBe(404);
    expect(await metricsOf()).toMatch(/^scangate_enumeration_alarm\{campaign="bad-input"\} 0$/m);
    for (let i = 0; i < 2; i++) expect((await scanJson(alarmedBase, forgedOfBatch(batch.fresh()))).status).toBe(404);
    const metrics = await metricsOf();
    expect(metrics).toMatch(/^scangate_forged_codes_window\{campaign="bad-input"\} 3$/m);
    expect(metrics).toMatch(/^scangate_enumeration_alarm\{campaign="bad-input"\} 1$/m);
  });

  it('answers 503 with Retry-After while Redis is unreachable; forged codes still get their 404', async () => {
    const deadRedis = await harness.startGateway({ redisUrl: `redis://127.0.0.1:${await findFreePort()}` });
    const deadBase = `http://127.0.0.1:${deadRedis.port}`;
    const reply = await scanJson(deadBase, batch.fresh());
    expect(reply.status).toBe(503);
    expect(reply.headers.get('retry-after')).toBe(String(harness.config.gateway.retryAfterSeconds));
    expect(reply.body).toMatchObject({ error: 'GW_ERR_REDIS_UNAVAILABLE' });
    const page = await fetch(`${deadBase}/s/${batch.fresh()}`, { headers: { 'accept-language': 'en' } });
    expect(page.status).toBe(503);
    expect(await page.text()).toContain('Busy right now');
    expect((await scanJson(deadBase, 'FORGED')).status).toBe(404);
    const ready = await fetch(`${deadBase}/readyz`);
    expect(ready.status).toBe(503);
    expect(ready.headers.get('retry-after')).not.toBeNull();
  });

  it('answers 503 with Retry-After while a campaign whose Redis state was lost awaits its rebuild', async () => {
    const lost = await harness.addBatch(testCampaign('lost'));
    expect((await scanJson(base, lost.fresh())).body.outcome).toBe('won');
    await harness.redis.redis.del(campaignKeys(harness.redis.prefix, 'lost').epoch);
    const reply = await scanJson(base, lost.fresh());
    expect(reply.status).toBe(503);
    expect(reply.headers.get('retry-after')).toBe(String(harness.config.gateway.retryAfterSeconds));
    expect(reply.body).toMatchObject({ error: 'GW_ERR_CAMPAIGN_RECOVERING' });
  });

  it('stops gracefully: the request in flight is answered, then the port closes', async () => {
    const stopping = await harness.startGateway({ gateway: { shutdownGraceMs: 20_000 } });
    const opsUrl = `http://127.0.0.1:${stopping.opsPort}/metrics`;
    const body = JSON.stringify({ code: batch.fresh() });
    const socket = net.connect(stopping.port, '127.0.0.1');
    let received = '';
    socket.setEncoding('latin1').on('data', (chunk: string) => (received += chunk));
    const closed = new Promise((resolve) => socket.on('close', resolve));
    // headers and half the body: the request is in flight until the rest arrives
    socket.write(`POST /v1/scans HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`);
    while (!/^scangate_http_requests_in_flight 1$/m.test(await (await fetch(opsUrl)).text())) await new Promise((resolve) => setTimeout(resolve, 20));
    const stopped = stopping.stop();
    await expect(fetch(`http://127.0.0.1:${stopping.port}/healthz`)).rejects.toThrow();
    socket.write(body.slice(10));
    await stopped;
    await closed;
    expect(statusesIn(received)).toEqual([200]);
    expect(received).toContain('"outcome":"won"');
  });
});
