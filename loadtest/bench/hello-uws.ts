/** Baseline for the scan benchmark: the bare uWebSockets.js hello-world. Prints its port. */
import uWS from 'uWebSockets.js';

const port = Number(process.argv[2] ?? 0);
uWS
  .App()
  .any('/*', (res) => {
    res.end('hello');
  })
  .listen('127.0.0.1', port, (socket) => {
    if (!socket) process.exit(1);
    console.log(`LISTENING ${uWS.us_socket_local_port(socket)}`);
  });
