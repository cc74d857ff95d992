'use strict';
// The baseline: a bare `ws` server on 127.0.0.1 that echoes every text
// message. Same process layout and IPC commands as gateway-child.js.
// Sockets opened on /relay/operator and /relay/node are relayed to each
// other instead: the two-hop baseline for node.invoke.
const { WebSocketServer } = require('ws');
const { serveIpc } = require('./child-common');

// Same socket options as the gateway (no compression, same frame limit).
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false, maxPayload: 512 * 1024 });
const relay = { operator: undefined, node: undefined };
wss.on('connection', (socket, req) => {
  socket.on('error', () => undefined);
  const side = req.url === '/relay/operator' ? 'operator' : req.url === '/relay/node' ? 'node' : undefined;
  if (side) {
    const other = side === 'operator' ? 'node' : 'operator';
    relay[side] = socket;
    socket.on('message', (data) => relay[other] && relay[other].send(data.toString()));
    socket.on('close', () => relay[side] === socket && (relay[side] = undefined));
    return;
  }
  socket.on('message', (data, isBinary) => socket.send(isBinary ? data : data.toString(), { binary: isBinary }));
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
