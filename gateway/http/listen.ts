import uWS, { type TemplatedApp, type us_listen_socket } from 'uWebSockets.js';
import { ScangateError } from '../../core/errors.js';

export interface Listening {
  /** the port actually bound (the real one when 0 was asked for) */
  readonly port: number;
  /** Stops accepting connections; open ones keep being served. */
  close(): void;
}

/**
 * Listens on host:port. uWS binds with SO_REUSEPORT on Linux, so several gateway processes can
 * listen on one port and the kernel spreads connections across them.
 */
export function listen(app: TemplatedApp, host: string, port: number): Promise<Listening> {
  return new Promise((resolve, reject) => {
    app.listen(host, port, (socket: us_listen_socket | false) => {
      if (!socket) {
        reject(new ScangateError('GW_ERR_SERVICE_START', `cannot listen on ${host}:${port}`));
        return;
      }
      let open = true;
      resolve({
        port: uWS.us_socket_local_port(socket as unknown as uWS.us_socket),
        close() {
          if (open) uWS.us_listen_socket_close(socket);
          open = false;
        },
      });
    });
  });
}
