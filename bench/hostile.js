'use strict';
// Hostile-peer bench (issue 10): starts `node bin/nestclaw gateway run` from
// dist/ (run `npm run build` first), then runs each attack for
// BENCH_HOSTILE_SECONDS (10) from one hostile peer while a healthy operator
// sends `status` one after another. Prints, per attack, the gateway's RSS
// (peak while the attack ran, and at its end) and the healthy client's
// latency, then one JSON line. Exit 0 when the gateway survived every attack
// and never reached its last-resort handler, 1 otherwise.
// Usage: npm run build && node bench/hostile.js
//        BENCH_HOSTILE_SECONDS=3 BENCH_HOSTILE_ONLY='node events' node bench/hostile.js   (one attack after the baseline)
const { spawn } = require('node:child_process');
const { randomUUID } = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const WebSocket = require('ws');

const CLI = path.join(__dirname, '..', 'bin', 'nestclaw');
const ORPHAN_GUARD = path.join(__dirname, 'orphan-guard.js');
const SECONDS = Number(process.env.BENCH_HOSTILE_SECONDS || 10);
const TOKEN = 'nestclaw-hostile-bench-token-0123456789';
const LAST_RESORT_MARKER = 'nestclaw: last-resort handler caught';
const IN_FLIGHT = 16;

const deepArrays = (depth) => '['.repeat(depth) + ']'.repeat(depth);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function freePort() {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** User + system CPU of a process in ms, from /proc (10 ms ticks). */
function cpuMs(pid) {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function rssBytes(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) * 1024;
}

/** A bare protocol client: raw text out, responses by id in. */
class Peer {
  static open(url, localAddress) {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { localAddress, maxPayload: 64 * 1024 * 1024 });
      const peer = new Peer(socket);
      socket.once('error', reject);
      socket.once('open', () => resolve(peer));
    });
  }

  constructor(socket) {
    this.socket = socket;
    this.waiters = new Map();
    this.onEvent = () => undefined;
    this.closed = new Promise((resolve) => socket.once('close', (code) => resolve(code)));
    socket.on('error', () => undefined);
    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString());
      if (frame.type === 'res') {
        const waiter = this.waiters.get(frame.id);
        if (waiter) {
          this.waiters.delete(frame.id);
          waiter(frame);
        }
      } else {
        this.onEvent(frame);
      }
    });
  }

  /** Sends `{type:"req", id, method, params: <paramsText>}` and resolves with the answer (or null when the socket closes). */
  requestRaw(method, paramsText) {
    const id = randomUUID();
    const answer = new Promise((resolve) => {
      this.waiters.set(id, resolve);
      this.closed.then(() => resolve(null));
    });
    if (this.socket.readyState === WebSocket.OPEN) {
      this.socket.send(`{"type":"req","id":"${id}","method":"${method}","params":${paramsText}}`);
    }
    return answer;
  }

  request(method, params) {
    return this.requestRaw(method, JSON.stringify(params === undefined ? {} : params));
  }

  connect(extra = {}) {
    return this.request('connect', {
      minProtocol: 3,
      maxProtocol: 3,
      client: { id: 'cli', version: '1', platform: 'linux', mode: 'cli' },
      auth: { token: TOKEN },
      ...extra,
    });
  }

  close() {
    this.socket.terminate();
    return this.closed;
  }
}

async function connected(url, extra, localAddress) {
  const peer = await Peer.open(url, localAddress);
  const res = await peer.connect(extra);
  if (!res || !res.ok) throw new Error(`connect refused: ${JSON.stringify(res && res.error)}`);
  return peer;
}

const nodeParams = (id, commands = ['test.echo']) => ({
  role: 'node',
  client: { id, version: '1', platform: 'linux', mode: 'node' },
  commands,
});

/** Runs `step` with IN_FLIGHT copies in parallel until the deadline; counts the steps. */
async function flood(deadline, step, parallel = IN_FLIGHT) {
  let count = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (Date.now() < deadline) {
        await step();
        count++;
      }
    }),
  );
  return count;
}

/** Each attack prepares its peers, then floods until the deadline; returns how many attack steps it made. */
const ATTACKS = [
  {
    name: 'none (baseline)',
    run: async (_url, deadline) => {
      await sleep(deadline - Date.now());
      return 0;
    },
  },
  {
    name: 'node answers invoke with 6000-deep payloadJSON',
    run: async (url, deadline) => {
      const node = await connected(url, nodeParams('hostile-node'));
      const invoker = await connected(url);
      // The node answers every request deep first (refused), then well, so each call settles.
      node.onEvent = (frame) => {
        if (frame.event !== 'node.invoke.request') return;
        const { id } = frame.payload;
        node
          .request('node.invoke.result', { id, nodeId: 'hostile-node', ok: true, payloadJSON: deepArrays(6000) })
          .then(() => node.request('node.invoke.result', { id, nodeId: 'hostile-node', ok: true, payloadJSON: '1' }));
      };
      const steps = await flood(deadline, () =>
        invoker.request('node.invoke', { nodeId: 'hostile-node', command: 'test.echo', idempotencyKey: randomUUID() }),
      );
      await Promise.all([node.close(), invoker.close()]);
      return steps;
    },
  },
  {
    name: 'node events with a 20000-deep payload',
    run: async (url, deadline) => {
      const node = await connected(url, nodeParams('hostile-events'));
      const steps = await flood(deadline, () => node.requestRaw('node.event', `{"event":"x","payload":${deepArrays(20_000)}}`));
      await node.close();
      return steps;
    },
  },
  {
    name: 'operator requests with 6000-deep params',
    run: async (url, deadline) => {
      const peer = await connected(url);
      const steps = await flood(deadline, () => peer.requestRaw('status', deepArrays(6000)));
      await peer.close();
      return steps;
    },
  },
  {
    name: 'approval requests from one node (10 may wait)',
    run: async (url, deadline) => {
      const node = await connected(url, nodeParams('hostile-approvals'));
      // Ten wait for an answer; every further one is refused at once, as fast as the node can ask.
      for (let i = 0; i < 10; i++) node.request('exec.approval.request', { argv: ['true'], timeoutMs: 600_000 });
      const steps = await flood(deadline, () => node.request('exec.approval.request', { argv: ['true'] }));
      await node.close();
      return steps;
    },
  },
  {
    name: 'connect declaring 30000 commands',
    run: async (url, deadline) => {
      const commands = Array.from({ length: 30_000 }, (_, i) => `test.c${i}`);
      return flood(
        deadline,
        async () => {
          const peer = await Peer.open(url);
          await peer.connect(nodeParams('hostile-many', commands));
          await peer.close();
        },
        2,
      );
    },
  },
  // Unauthenticated attacks come last and each from its own address: they trip the auth limiter for it.
  {
    name: 'unauthenticated 6000-deep connect',
    run: async (url, deadline) =>
      flood(
        deadline,
        async () => {
          const peer = await Peer.open(url, '127.0.0.2');
          await peer.requestRaw('connect', `{"minProtocol":3,"maxProtocol":3,"client":${deepArrays(6000)}}`);
          await peer.close();
        },
        4,
      ),
  },
  {
    name: 'unauthenticated 600 KiB frames (over maxPayload)',
    run: async (url, deadline) =>
      flood(
        deadline,
        async () => {
          const peer = await Peer.open(url, '127.0.0.3');
          peer.socket.send(`{"type":"req","id":"1","method":"connect","params":"${'z'.repeat(600 * 1024)}"}`);
          await peer.closed;
        },
        4,
      ),
  },
];

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * The hostile peer runs in its own process: sharing the bench's event loop
 * with the healthy client would measure the bench, not the gateway.
 */
function runAttackInChild(url, attack, deadline) {
  const child = spawn(process.execPath, [__filename, '--attack', String(ATTACKS.indexOf(attack)), url, String(deadline)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  return new Promise((resolve, reject) =>
    child.once('exit', (code) => {
      if (code === 0) resolve(JSON.parse(output).steps);
      else reject(new Error(`attack "${attack.name}" failed (exit ${code})`));
    }),
  );
}

async function attackChild([index, url, deadline]) {
  const steps = await ATTACKS[Number(index)].run(url, Number(deadline));
  process.stdout.write(JSON.stringify({ steps }) + '\n');
  process.exit(0);
}

async function measure(url, pid, attack) {
  const healthy = await connected(url);
  const deadline = Date.now() + SECONDS * 1000;
  const cpuBefore = { gateway: cpuMs(pid), bench: process.cpuUsage() };
  let peakRss = rssBytes(pid);
  const sampler = setInterval(() => {
    try {
      peakRss = Math.max(peakRss, rssBytes(pid));
    } catch {
      // The process is gone; the survival check below reports it.
    }
  }, 100);
  const latencies = [];
  const healthyLoop = (async () => {
    while (Date.now() < deadline) {
      const start = process.hrtime.bigint();
      const res = await healthy.request('status', {});
      if (!res || !res.ok) throw new Error(`healthy status failed: ${JSON.stringify(res)}`);
      latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
  })();
  const [steps] = await Promise.all([runAttackInChild(url, attack, deadline), healthyLoop]);
  clearInterval(sampler);
  const benchCpu = process.cpuUsage(cpuBefore.bench);
  const gatewayCpuPct = ((cpuMs(pid) - cpuBefore.gateway) / (SECONDS * 1000)) * 100;
  const benchCpuPct = ((benchCpu.user + benchCpu.system) / 1000 / (SECONDS * 1000)) * 100;
  await healthy.close();
  latencies.sort((a, b) => a - b);
  return {
    attack: attack.name,
    attackSteps: steps,
    statusCalls: latencies.length,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    maxMs: latencies[latencies.length - 1],
    peakRssMb: peakRss / 2 ** 20,
    endRssMb: rssBytes(pid) / 2 ** 20,
    gatewayCpuPct,
    benchCpuPct,
  };
}

async function main() {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nestclaw-hostile-'));
  fs.writeFileSync(path.join(stateDir, 'nestclaw.json'), JSON.stringify({ gateway: { nodes: { allowCommands: ['test.*'] } } }));
  const port = await freePort();
  const env = { ...process.env, NESTCLAW_STATE_DIR: stateDir, NESTCLAW_GATEWAY_TOKEN: TOKEN, NO_COLOR: '1' };
  for (const name of Object.keys(env))
    if (/^OPENCLAW_|^NESTCLAW_(CONFIG_PATH|GATEWAY_PORT|GATEWAY_PASSWORD)$/.test(name)) delete env[name];
  const gateway = spawn(process.execPath, ['--require', ORPHAN_GUARD, CLI, 'gateway', 'run', '--port', String(port)], {
    env,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let exited = null;
  gateway.once('exit', (code, signal) => (exited = { code, signal }));
  // The gateway logs a WARN line per refused frame; keep only what the bench checks.
  let lastResortLines = 0;
  let startup = '';
  const scan = (chunk) => {
    const text = chunk.toString();
    if (startup.length < 10_000) startup += text;
    lastResortLines += text.split(LAST_RESORT_MARKER).length - 1;
  };
  gateway.stdout.on('data', scan);
  gateway.stderr.on('data', scan);
  const start = Date.now();
  while (!startup.includes('nestclaw gateway listening on')) {
    if (exited || Date.now() - start > 30_000) throw new Error(`the gateway did not start:\n${startup}`);
    await sleep(50);
  }

  const url = `ws://127.0.0.1:${port}`;
  const rows = [];
  try {
    const only = process.env.BENCH_HOSTILE_ONLY;
    for (const attack of ATTACKS.filter((a) => !only || a.name.includes(only) || a.name.startsWith('none'))) {
      if (exited) break;
      const row = await measure(url, gateway.pid, attack);
      rows.push(row);
      console.log(
        `${row.attack.padEnd(50)} steps ${String(row.attackSteps).padStart(7)}  status ${String(row.statusCalls).padStart(6)}` +
          `  p50 ${row.p50Ms.toFixed(2).padStart(7)} ms  p99 ${row.p99Ms.toFixed(2).padStart(7)} ms  max ${row.maxMs.toFixed(1).padStart(6)} ms` +
          `  RSS peak ${row.peakRssMb.toFixed(0).padStart(4)} MB  end ${row.endRssMb.toFixed(0).padStart(4)} MB` +
          `  CPU gateway ${row.gatewayCpuPct.toFixed(0).padStart(3)}%  bench ${row.benchCpuPct.toFixed(0).padStart(3)}%`,
      );
    }
  } finally {
    const survived = exited === null;
    if (survived) gateway.kill('SIGTERM');
    fs.rmSync(stateDir, { recursive: true, force: true });
    const ok = survived && lastResortLines === 0 && rows.length > 0;
    console.log(`gateway survived: ${survived}; last-resort handler reached: ${lastResortLines} time(s)`);
    console.log(JSON.stringify({ seconds: SECONDS, survived, lastResortLines, rows }));
    process.exitCode = ok ? 0 : 1;
  }
}

const entry = process.argv[2] === '--attack' ? () => attackChild(process.argv.slice(3)) : main;
entry().catch((error) => {
  console.error(`hostile bench failed: ${error && error.stack ? error.stack : error}`);
  process.exit(2);
});
