import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ScangateError } from '../../core/errors.js';

export interface OpsServer {
  readonly port: number;
  close(): Promise<void>;
}

export interface MetricsSource {
  readonly contentType: string;
  metrics(): Promise<string>;
}

/**
 * The operations port (config.opsPort, localhost by default): Prometheus scrapes /metrics here,
 * never on the public port. Plain node:http: a scrape every few seconds needs no uWS.
 */
export function startOpsServer(host: string, port: number, source: MetricsSource): Promise<OpsServer> {
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    source.metrics().then(
      (text) => res.writeHead(200, { 'content-type': source.contentType }).end(text),
      (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${(err as Error).message}\n`),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', (err) => reject(new ScangateError('GW_ERR_SERVICE_START', `ops server on ${host}:${port}: ${err.message}`, { cause: err })));
    server.listen(port, host, () => {
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
