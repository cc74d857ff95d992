'use strict';
// node.invoke round trip, operator → gateway → node → gateway → operator,
// next to the same two hops through a bare ws relay.

const WebSocket = require('ws');
const { performance } = require('node:perf_hooks');

function open(url) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Opens a gateway connection and completes the handshake with the given connect params. */
async function connectGateway(url, params) {
  const socket = new WebSocket(url, { perMessageDeflate: false });
  await new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.on('message', function onMessage(data) {
      const frame = JSON.parse(data.toString());
      if (frame.event === 'connect.challenge') {
        socket.send(JSON.stringify({ type: 'req', id: 'c', method: 'connect', params }));
      } else if (frame.id === 'c') {
        socket.off('message', onMessage);
        if (frame.ok) resolve();
        else reject(new Error(`connect refused: ${JSON.stringify(frame.error)}`));
      }
    });
  });
  return socket;
}

/** Sequential calls of `send(i)`; each resolves when `socket` sees the answer for id i. */
async function timeSequential(socket, count, send, isAnswer) {
  const samples = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await new Promise((resolve) => {
      const onMessage = (data) => {
        if (!isAnswer(data.toString(), i)) return;
        socket.off('message', onMessage);
        resolve();
      };
      socket.on('message', onMessage);
      send(i);
    });
    samples.push((performance.now() - started) * 1000);
  }
  return samples;
}

async function measureNodeInvoke({ gatewayUrl, relayBaseUrl, token, count = 2000, warmup = 200, stats }) {
  const client = (id, mode) => ({ id, version: '1', platform: 'linux', mode });
  const node = await connectGateway(gatewayUrl, {
    minProtocol: 3,
    maxProtocol: 3,
    role: 'node',
    client: client('bench-node', 'node'),
    commands: ['system.which'],
    auth: { token },
  });
  // A trivial command handler: answer at once.
  node.on('message', (data) => {
    const frame = JSON.parse(data.toString());
    if (frame.event !== 'node.invoke.request') return;
    const { id, nodeId } = frame.payload;
    node.send(
      JSON.stringify({
        type: 'req',
        id: `r${id}`,
        method: 'node.invoke.result',
        params: { id, nodeId, ok: true, payload: { bins: {} } },
      }),
    );
  });
  const operator = await connectGateway(gatewayUrl, {
    minProtocol: 3,
    maxProtocol: 3,
    client: client('bench-op', 'cli'),
    auth: { token },
  });
  const invoke = (i) =>
    operator.send(
      `{"type":"req","id":"i${i}","method":"node.invoke","params":{"nodeId":"client:bench-node","command":"system.which","params":{"bins":["sh"]},"idempotencyKey":"k${i}-${Math.random()}"}}`,
    );
  const invokeAnswered = (text, i) => text.includes(`"id":"i${i}"`);

  const relayNode = await open(`${relayBaseUrl}/relay/node`);
  relayNode.on('message', (data) => {
    const frame = JSON.parse(data.toString());
    relayNode.send(JSON.stringify({ type: 'res', id: frame.id, ok: true, payload: { bins: {} } }));
  });
  const relayOperator = await open(`${relayBaseUrl}/relay/operator`);
  const relaySend = (i) =>
    relayOperator.send(
      `{"type":"req","id":"i${i}","method":"node.invoke","params":{"nodeId":"client:bench-node","command":"system.which","params":{"bins":["sh"]}}}`,
    );

  try {
    await timeSequential(operator, warmup, invoke, invokeAnswered);
    await timeSequential(relayOperator, warmup, relaySend, invokeAnswered);
    // Alternate in chunks so machine noise hits both alike.
    const gateway = [];
    const relay = [];
    for (let chunk = 0; chunk < 10; chunk++) {
      relay.push(
        ...(await timeSequential(
          relayOperator,
          count / 10,
          (i) => relaySend(i + chunk * 1e6),
          (t, i) => invokeAnswered(t, i + chunk * 1e6),
        )),
      );
      gateway.push(
        ...(await timeSequential(
          operator,
          count / 10,
          (i) => invoke(i + chunk * 1e6),
          (t, i) => invokeAnswered(t, i + chunk * 1e6),
        )),
      );
    }
    return { gateway: stats(gateway), relay: stats(relay) };
  } finally {
    for (const socket of [node, operator, relayNode, relayOperator]) socket.terminate();
  }
}

module.exports = { measureNodeInvoke, connectGateway };
