import pino from 'pino';
import uWS from 'uWebSockets.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAppConfig } from '../../config/app-config.js';
import { createGatewayMetrics } from '../metrics.js';
import { rawExchange, statusesIn } from '../testing/scan-client.js';
import { jsonReply, sendReply } from './http-reply.js';
import { createInFlight } from './in-flight.js';
import { listen, type Listening } from './listen.js';
import { jsonRoute, routeHandler } from './route-handler.js';

let listening: Listening;
let app: uWS.TemplatedApp;

beforeAll(async () => {
  const deps = { config: loadAppConfig({}, {}), metrics: createGatewayMetrics(), inFlight: createInFlight(), logger: pino({ level: 'silent' }), stopping: () => false };
  app = uWS.App();
  app.get(
    '/throws-before-answering',
    routeHandler(deps, jsonRoute, () => {
      throw new TypeError('a bug');
    }),
  );
  app.get(
    '/throws-after-answering',
    routeHandler(deps, jsonRoute, (res, _req, ctx) => {
      sendReply(res, ctx, jsonReply(200, { answered: true }));
      throw new TypeError('a bug after the answer');
    }),
  );
  app.get(
    '/ok',
    routeHandler(deps, jsonRoute, (res, _req, ctx) => sendReply(res, ctx, jsonReply(200, { ok: true }))),
  );
  listening = await listen(app, '127.0.0.1', 0);
});

afterAll(() => {
  listening.close();
  (app as unknown as { close(): void }).close();
});

const get = (path: string) => `GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`;

describe('routeHandler', () => {
  // Without it uWS ends the process: a thrown exception, or a handler returning unanswered, aborts Node.
  it('closes the connection of a handler that throws before answering, and the server keeps serving', async () => {
    expect(await rawExchange(listening.port, get('/throws-before-answering'))).toBe('');
    expect(statusesIn(await rawExchange(listening.port, get('/ok') + get('/ok'), { until: (received) => statusesIn(received).length === 2 }))).toEqual([200, 200]);
  });

  it('keeps the answer of a handler that throws after answering', async () => {
    const received = await rawExchange(listening.port, get('/throws-after-answering'), { until: (text) => text.includes('"answered":true') });
    expect(statusesIn(received)).toEqual([200]);
    expect(statusesIn(await rawExchange(listening.port, get('/ok'), { until: (text) => text.includes('"ok":true') }))).toEqual([200]);
  });
});
