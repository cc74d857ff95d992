'use strict';
// The baseline: a bare `ws` server on 127.0.0.1 that echoes every text
// message. Same process layout and IPC commands as gateway-child.js.
const { WebSocketServer } = require('ws');
const { serveIpc } = require('./child-common');

// Same socket options as the gateway (no compression, same frame limit).
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false, maxPayload: 512 * 1024 });
wss.on('connection', (socket) => {
  socket.on('message', (data, isBinary) => socket.send(isBinary ? data : data.toString(), { binary: isBinary }));
  socket.on('error', () => undefined);
});
wss.on('error', (error) => {
  process.stderr.write(`[echo-child] server error: ${error && error.stack ? error.stack : error}\n`);
});
wss.on('listening', () => {
  serveIpc({
    name: 'echo-child',
    close: () =>
      new Promise((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  });
  process.stdout.write(JSON.stringify({ port: wss.address().port, pid: process.pid }) + '\n');
});
