'use strict';
// Hot-reload latency (issue 14): the time from sending `config.patch` to the
// new setting in effect. The gateway from dist/ runs in this process with its
// config file on disk (each patch is validated, written with a backup and
// applied as in production). The setting is gateway.nodes.denyCommands,
// toggled on and off for `system.which`; a raw ws node answers invokes.
//   patch → answered: config.patch sent → its response (the answer leaves only
//                     after the new config is swapped in)
//   patch → observed: config.patch sent → a node.invoke sent right after its
//                     answer is refused (deny) or served (allow), checked each time
// Usage: npm run build && node bench/config-patch.js   (BENCH_QUICK=1: fewer rounds)
// Last line: one JSON object with the figures in microseconds.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { performance } = require('node:perf_hooks');
const { connectGateway } = require('./node-invoke');

const DIST = path.join(__dirname, '..', 'dist');
const ROUNDS = process.env.BENCH_QUICK === '1' ? 40 : 400;
const WARMUP = 20;
const TOKEN = 'nestclaw-bench-token-0123456789abcdef';

function request(socket, id, method, params) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${method} got no answer in 10 s`)), 10_000);
    const onMessage = (data) => {
      const frame = JSON.parse(data.toString());
      if (frame.type !== 'res' || frame.id !== id) return;
      socket.off('message', onMessage);
      clearTimeout(timer);
      resolve(frame);
    };
    socket.on('message', onMessage);
    socket.send(JSON.stringify({ type: 'req', id, method, params }));
  });
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function summarize(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: Math.round(percentile(sorted, 50)),
    p95: Math.round(percentile(sorted, 95)),
    max: Math.round(sorted.at(-1)),
  };
}

async function main() {
  const { loadConfig, configSource } = require(path.join(DIST, 'common', 'config'));
  const { startGateway } = require(path.join(DIST, 'main.js'));
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nestclaw-bench-config-'));
  const env = { NESTCLAW_STATE_DIR: stateDir, NESTCLAW_GATEWAY_TOKEN: TOKEN };
  const text = JSON.stringify({ gateway: { nodes: { denyCommands: [] } } }, null, 2);
  fs.writeFileSync(path.join(stateDir, 'nestclaw.json'), text, { mode: 0o600 });
  const config = loadConfig({ env, homeDir: stateDir, readFile: () => text });
  const gateway = await startGateway({
    config,
    listenPort: 0,
    logLevels: false,
    configSource: configSource({ env, homeDir: stateDir }),
  });
  const url = `ws://127.0.0.1:${gateway.port}`;
  const client = (id, mode) => ({ id, version: '1', platform: 'linux', mode });
  const node = await connectGateway(url, {
    minProtocol: 3,
    maxProtocol: 3,
    role: 'node',
    client: client('bench-node', 'node'),
    commands: ['system.which'],
    auth: { token: TOKEN },
  });
  node.on('message', (data) => {
    const frame = JSON.parse(data.toString());
    if (frame.event !== 'node.invoke.request') return;
    const { id, nodeId } = frame.payload;
    node.send(
      JSON.stringify({ type: 'req', id: `r${id}`, method: 'node.invoke.result', params: { id, nodeId, ok: true, payload: {} } }),
    );
  });
  const operator = await connectGateway(url, {
    minProtocol: 3,
    maxProtocol: 3,
    client: client('bench-op', 'cli'),
    scopes: ['operator.admin', 'operator.write'],
    auth: { token: TOKEN },
  });

  const answered = [];
  const observed = [];
  try {
    let hash = (await request(operator, 'g', 'config.get', {})).payload.hash;
    const nodeId = (await request(operator, 'n', 'node.list', {})).payload.nodes.find((n) => n.connected).nodeId;
    for (let i = 0; i < WARMUP + ROUNDS; i++) {
      const deny = i % 2 === 0;
      const started = performance.now();
      const res = await request(operator, `p${i}`, 'config.patch', {
        patch: { gateway: { nodes: { denyCommands: deny ? ['system.which'] : [] } } },
        baseHash: hash,
      });
      const answeredAt = performance.now();
      if (!res.ok) throw new Error(`config.patch refused: ${JSON.stringify(res.error)}`);
      hash = res.payload.hash;
      const invoked = await request(operator, `i${i}`, 'node.invoke', {
        nodeId,
        command: 'system.which',
        params: { bins: ['sh'] },
        idempotencyKey: `k${i}`,
      });
      const observedAt = performance.now();
      const inEffect = deny ? invoked.error?.details?.reason === 'denied' : invoked.ok;
      if (!inEffect)
        throw new Error(
          `round ${i}: the invoke after the patch was ${invoked.ok ? 'served' : `refused (${JSON.stringify(invoked.error)})`}; the new setting was not in effect`,
        );
      if (i < WARMUP) continue;
      answered.push((answeredAt - started) * 1000);
      observed.push((observedAt - started) * 1000);
    }
  } finally {
    node.terminate();
    operator.terminate();
    await gateway.close();
    fs.rmSync(stateDir, { recursive: true, force: true });
  }
  const result = { patchAnsweredUs: summarize(answered), patchObservedUs: summarize(observed) };
  const ms = (us) => `${(us / 1000).toFixed(2)} ms`;
  console.log(`config.patch → in effect, ${ROUNDS} rounds (gateway.nodes.denyCommands toggled, file written each time)`);
  console.log(`  patch → answered (in effect)   p50 ${ms(result.patchAnsweredUs.p50)}  p95 ${ms(result.patchAnsweredUs.p95)}`);
  console.log(`  patch → observed by an invoke  p50 ${ms(result.patchObservedUs.p50)}  p95 ${ms(result.patchObservedUs.p95)}`);
  console.log(JSON.stringify({ bench: 'config-patch', rounds: ROUNDS, ...result }));
}

main().catch((error) => {
  console.error(`config-patch bench failed: ${error && error.stack ? error.stack : error}`);
  process.exit(2);
});
