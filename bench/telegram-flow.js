'use strict';
// The main flow's latency with instant outside parties: the gateway's own
// overhead from "the Bot API hands it a message" to "its reply reaches
// sendMessage".
//
//   fake Bot API ──getUpdates──▶ gateway (child: `node bin/nestclaw gateway run`)
//                                  │  agent run, provider openai
//                                  ├──▶ fake model: tool call node_invoke
//                                  ├──▶ bench node (raw ws, role node): system.which, answered at once
//                                  ├──▶ fake model: short text
//   fake Bot API ◀──sendMessage────┘
//
// The clock starts when the fake answers a pending getUpdates long poll with
// the update and stops when the gateway's sendMessage for it arrives at the
// fake, both read with performance.now() in this process. Messages are
// sequential: the next one goes out `gapMs` after the previous reply, so the
// gateway's bookkeeping after a reply (update marked handled, cursor saved)
// is not counted in the next message. Two paths, taking turns in chunks so
// machine noise hits both alike: with the node_invoke tool call (two model
// calls and one node.invoke) and without it (one model call, text at once).

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { performance } = require('node:perf_hooks');
const { FakeTelegram } = require('./fake-telegram');
const { FakeOpenAi, NODE_ID } = require('./fake-openai');
const { connectGateway } = require('./node-invoke');

const CLI = path.resolve(__dirname, '..', 'bin', 'nestclaw');
const ORPHAN_GUARD = path.join(__dirname, 'orphan-guard.js');
const USER = { id: 4242, first_name: 'Bench', username: 'bench_user' };
const SH_PATH = '/bin/sh';
const REPLY = { tool: `sh is at ${SH_PATH}`, text: 'hello from the bench model' };

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** User + system CPU of a process in ms, from /proc (Linux); undefined elsewhere. */
function procCpuMs(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the whole line, in clock ticks (100 per second on Linux).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return undefined;
  }
}

/**
 * token: the gateway token; stats: the bench's stats(); track(proc): lets the
 * bench kill the gateway child if it has to; nodeArgs: extra node flags for
 * the gateway child (e.g. --cpu-prof).
 */
async function measureTelegramFlow({
  token,
  stats,
  track,
  BenchError = Error,
  nodeArgs = [],
  count = 200,
  warmup = 10,
  chunks = 10,
  gapMs = 5,
  timeoutMs = 10_000,
}) {
  const fail = (message) => new BenchError(message);
  const withTimeout = (promise, ms, what) => {
    let timer;
    return Promise.race([
      promise.finally(() => clearTimeout(timer)),
      new Promise(
        (_, reject) => (timer = setTimeout(() => reject(fail(`telegram flow: timed out after ${ms} ms: ${what}`)), ms)),
      ),
    ]);
  };

  const telegram = await new FakeTelegram().start();
  const model = await new FakeOpenAi().start();
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nestclaw-bench-tg-'));
  let gateway;
  let node;
  let output = ''; // the gateway's stdout and stderr, shown when something fails
  try {
    const config = {
      channels: {
        telegram: {
          enabled: true,
          botToken: telegram.token,
          apiRoot: telegram.apiRoot,
          dmPolicy: 'allowlist',
          allowFrom: [USER.id],
        },
      },
      agent: { provider: 'openai', baseUrl: model.baseUrl, model: 'bench', apiKey: 'x' },
    };
    fs.writeFileSync(path.join(stateDir, 'nestclaw.json'), JSON.stringify(config, null, 2), { mode: 0o600 });

    // ------------------------------------------------------------ gateway child
    const port = await freePort();
    const env = { ...process.env, NESTCLAW_STATE_DIR: stateDir, NESTCLAW_GATEWAY_TOKEN: token, NO_COLOR: '1' };
    for (const name of [
      'NESTCLAW_CONFIG_PATH',
      'NESTCLAW_GATEWAY_PORT',
      'OPENCLAW_GATEWAY_PORT',
      'NESTCLAW_GATEWAY_PASSWORD',
      'TELEGRAM_BOT_TOKEN',
      'OPENAI_API_KEY',
    ]) {
      delete env[name];
    }
    const proc = spawn(
      process.execPath,
      [...nodeArgs, '--require', ORPHAN_GUARD, CLI, 'gateway', 'run', '--port', String(port)],
      {
        env,
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      },
    );
    track(proc);
    const exited = new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
    proc.stdout.setEncoding('utf8');
    proc.stderr.setEncoding('utf8');
    const listening = new Promise((resolve, reject) => {
      proc.stdout.on('data', (chunk) => {
        output += chunk;
        if (output.includes('nestclaw gateway listening on')) resolve();
      });
      exited.then(({ code, signal }) =>
        reject(fail(`telegram flow: the gateway exited during start-up (code ${code}, signal ${signal})`)),
      );
    });
    // Its warnings and errors reach the bench's stderr; stdout is only read for the start-up line.
    proc.stderr.on('data', (chunk) => {
      output += chunk;
      process.stderr.write(chunk.replace(/^/gm, '[gateway] '));
    });
    gateway = {
      proc,
      async stop() {
        if (proc.exitCode !== null || proc.signalCode !== null) return exited;
        proc.kill('SIGTERM'); // `gateway run` stops cleanly on it
        const done = await Promise.race([exited, sleep(5000).then(() => null)]);
        if (done) return done;
        proc.kill('SIGKILL');
        return exited;
      },
    };
    await withTimeout(listening, 30_000, 'gateway start-up (`nestclaw gateway run`)');
    const url = `ws://127.0.0.1:${port}`;

    // ------------------------------------------------------------ node
    let invokes = 0;
    node = await withTimeout(
      connectGateway(url, {
        minProtocol: 3,
        maxProtocol: 3,
        role: 'node',
        client: { id: NODE_ID, version: '1', platform: 'linux', mode: 'node' },
        commands: ['system.which'],
        auth: { token },
      }),
      10_000,
      'node connect',
    );
    node.on('error', () => undefined);
    node.on('message', (data) => {
      const text = data.toString();
      if (!text.includes('"node.invoke.request"')) return;
      const frame = JSON.parse(text);
      if (frame.event !== 'node.invoke.request') return;
      invokes++;
      const { id, nodeId } = frame.payload;
      node.send(
        JSON.stringify({
          type: 'req',
          id: `r${id}`,
          method: 'node.invoke.result',
          params: { id, nodeId, ok: true, payload: { bins: { sh: SH_PATH } } },
        }),
      );
    });

    // ------------------------------------------------------------ Telegram linked
    await withTimeout(
      new Promise((resolve) => {
        if (telegram.pendingPolls > 0) return resolve();
        telegram.onPoll = resolve;
      }),
      20_000,
      'the gateway starting to long-poll getUpdates',
    );
    telegram.onPoll = null;

    // ------------------------------------------------------------ messages
    let seq = 0;
    const one = async (mode) => {
      model.useTool = mode === 'tool';
      const replied = new Promise((resolve) => (telegram.onSendMessage = resolve));
      const updateId = telegram.pushMessage(USER, `bench message ${++seq} (${mode})`);
      const { at, body } = await withTimeout(
        replied,
        timeoutMs,
        `the reply to message ${seq} (${mode === 'tool' ? 'with node_invoke' : 'text only'})`,
      );
      telegram.onSendMessage = null;
      const deliveredAt = telegram.deliveredAt.get(updateId);
      if (deliveredAt === undefined) throw fail(`telegram flow: a reply came before update ${updateId} was delivered`);
      if (String(body.chat_id) !== String(USER.id) || body.text !== REPLY[mode]) {
        throw fail(
          `telegram flow: unexpected reply to message ${seq} (${mode}): chat ${body.chat_id}, text ${JSON.stringify(body.text)}; expected ${JSON.stringify(REPLY[mode])}`,
        );
      }
      telegram.deliveredAt.delete(updateId);
      await sleep(gapMs);
      return at - deliveredAt;
    };

    // Warm-up: lazy loads (the openai SDK), JIT, first session rows.
    for (let i = 0; i < warmup; i++) {
      await one('tool');
      await one('text');
    }
    const before = { model: model.requests, invokes, sent: telegram.count('sendMessage') };
    const runs = { tool: { samples: [], cpuMs: 0, busyMs: 0 }, text: { samples: [], cpuMs: 0, busyMs: 0 } };
    const perChunk = Math.ceil(count / chunks);
    for (let c = 0; c < chunks; c++) {
      for (const mode of ['tool', 'text']) {
        const run = runs[mode];
        const n = Math.min(perChunk, count - run.samples.length);
        const cpu0 = procCpuMs(proc.pid);
        const t0 = performance.now();
        for (let i = 0; i < n; i++) run.samples.push(await one(mode));
        run.busyMs += performance.now() - t0;
        const cpu1 = procCpuMs(proc.pid);
        run.cpuMs = cpu0 === undefined || cpu1 === undefined ? NaN : run.cpuMs + (cpu1 - cpu0);
      }
    }

    // Each message really took the path it was meant to.
    const measured = runs.tool.samples.length + runs.text.samples.length;
    const modelCalls = model.requests - before.model;
    const nodeInvokes = invokes - before.invokes;
    const sent = telegram.count('sendMessage') - before.sent;
    if (
      modelCalls !== 2 * runs.tool.samples.length + runs.text.samples.length ||
      nodeInvokes !== runs.tool.samples.length ||
      sent !== measured
    ) {
      throw fail(
        `telegram flow: expected ${2 * runs.tool.samples.length + runs.text.samples.length} model calls, ${runs.tool.samples.length} node invokes and ` +
          `${measured} replies; saw ${modelCalls}, ${nodeInvokes} and ${sent}`,
      );
    }

    const summary = (run) => ({
      latencyMs: stats(run.samples),
      // CPU of the gateway process (all threads) over the chunks, per message; /proc clock ticks are 10 ms, summed over many messages.
      gatewayCpuMsPerMessage: run.cpuMs / run.samples.length,
      messagesPerSec: (run.samples.length / run.busyMs) * 1000,
    });
    const tool = summary(runs.tool);
    const text = summary(runs.text);
    return {
      count,
      warmup: 2 * warmup,
      gapMs,
      path: 'fake Bot API getUpdates answer → gateway → model → node.invoke → model → sendMessage at the fake',
      withNodeInvoke: tool,
      textOnly: text,
      nodeHopP50Ms: tool.latencyMs.p50 - text.latencyMs.p50,
      modelCalls,
      nodeInvokes,
      sendChatActionCalls: telegram.count('sendChatAction'),
    };
  } catch (error) {
    const tail = output.trim().split('\n').slice(-15).join('\n');
    if (tail && error instanceof Error) error.message += `\n--- last gateway output ---\n${tail}`;
    throw error;
  } finally {
    if (node) node.terminate();
    const stopped = gateway ? await gateway.stop() : undefined;
    await Promise.all([telegram.stop(), model.close()]);
    fs.rmSync(stateDir, { recursive: true, force: true });
    if (stopped && stopped.code !== 0 && stopped.code !== null) {
      process.stderr.write(`[telegram flow] the gateway exited with code ${stopped.code}\n`);
    }
  }
}

module.exports = { measureTelegramFlow };
