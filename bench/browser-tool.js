'use strict';
// The browser tool's latency through `browser.request`, next to raw
// playwright-core driving the same Chromium on the same page (issue 16).
//
//   bench process ──ws──▶ gateway child (bench/gateway-child.js, tools.browser on)
//                           └─ playwright-core ─▶ its Chromium ─▶ fixture site (127.0.0.1, this process)
//   bench process ── playwright-core ─▶ a second Chromium ─▶ the same fixture site   (the floor)
//
// Rows: cold start (POST /start after POST /stop, against launchPersistentContext
// with the same flags), navigate (POST /navigate against page.goto, both to
// domcontentloaded, alternating two pages so each is a real navigation),
// snapshot (GET /snapshot against page.evaluate of the very same snapshot
// script), navigate+snapshot (their sum per round, the figure) and
// screenshot (POST /screenshot, PNG back as base64 over the socket, against
// page.screenshot). Gateway and floor take turns in chunks so machine noise
// hits both alike. Figures only: no target, the ratio says what the gateway
// adds (URL policy on every request, the socket, JSON and base64).
//
// Standalone: `npm run build && node bench/browser-tool.js` (BENCH_QUICK=1 for
// fewer rounds); `npm run bench` runs it as one of its phases.

const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { performance } = require('node:perf_hooks');
const { connectGateway } = require('./node-invoke');

const DIST = path.join(__dirname, '..', 'dist');
const TOKEN_DEFAULT = 'nestclaw-bench-token-0123456789abcdef';

/** A page of the size an assistant reads: headings, text, links and a form, about 60 elements. */
function fixturePage(title) {
  const items = Array.from(
    { length: 20 },
    (_, i) => `<li><a href="/item/${i}">Item ${i}</a> — a line of text about item ${i}.</li>`,
  );
  return `<!doctype html><title>${title}</title><body style="font-family:sans-serif">
<h1>${title}</h1><p>A fixture page for the browser bench, served from 127.0.0.1.</p>
<ul>${items.join('')}</ul>
<form><label>Search <input name="q"></label> <button>Go</button></form>
<div style="height:300px;background:linear-gradient(90deg,#0a7,#07a)"></div></body>`;
}

function startFixtureSite() {
  const pages = { '/a': fixturePage('Bench page A'), '/b': fixturePage('Bench page B') };
  const server = http.createServer((req, res) => {
    const body = pages[(req.url || '/').split('?')[0]];
    res.writeHead(body ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
    res.end(body || 'not found');
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        origin: `http://127.0.0.1:${server.address().port}`,
        close: () => new Promise((r) => (server.closeAllConnections(), server.close(r))),
      }),
    ),
  );
}

function findChromium() {
  for (const candidate of [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser']) {
    if (candidate && fs.existsSync(candidate)) return candidate;
  }
  try {
    return (
      execFileSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], { encoding: 'utf8' }).trim() || undefined
    );
  } catch {
    return undefined;
  }
}

/** bench/gateway-child.js with the browser tool on; resolves once it prints its port. */
function startGateway({ token, config, track, BenchError }) {
  const proc = spawn(process.execPath, [path.join(__dirname, 'gateway-child.js')], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    env: { ...process.env, BENCH_TOKEN: token, BENCH_CONFIG_JSON: JSON.stringify(config) },
  });
  track(proc);
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  return new Promise((resolve, reject) => {
    let buffered = '';
    proc.stdout.on('data', (chunk) => {
      buffered += chunk;
      const nl = buffered.indexOf('\n');
      if (nl === -1) return;
      try {
        const { port } = JSON.parse(buffered.slice(0, nl));
        resolve({
          url: `ws://127.0.0.1:${port}`,
          stop: async () => {
            proc.send({ cmd: 'exit' });
            await exited;
          },
        });
      } catch {
        reject(new BenchError(`gateway child printed something that is not JSON: ${buffered.slice(0, nl)}`));
      }
    });
    exited.then((code) => reject(new BenchError(`gateway child exited early (code ${code})`)));
  });
}

/** Sequential `browser.request` calls on one socket; rejects on an error answer. */
function browserClient(socket, { BenchError, timeoutMs }) {
  let next = 0;
  return (method, routePath, body) =>
    new Promise((resolve, reject) => {
      const id = `b${next++}`;
      const timer = setTimeout(() => reject(new BenchError(`browser.request ${method} ${routePath} timed out`)), timeoutMs);
      const onMessage = (data) => {
        const frame = JSON.parse(data.toString());
        if (frame.type !== 'res' || frame.id !== id) return;
        socket.off('message', onMessage);
        clearTimeout(timer);
        if (frame.ok) resolve(frame.payload);
        else reject(new BenchError(`browser.request ${method} ${routePath} failed: ${frame.error && frame.error.message}`));
      };
      socket.on('message', onMessage);
      socket.send(JSON.stringify({ type: 'req', id, method: 'browser.request', params: { method, path: routePath, body } }));
    });
}

async function timed(work) {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

/**
 * stats: the bench's stats(); track(proc): lets the bench kill the child;
 * counts: rounds per row. Resolves {skipped} when this machine has no Chromium.
 */
async function measureBrowserTool({
  token = TOKEN_DEFAULT,
  stats,
  track = () => undefined,
  BenchError = Error,
  coldStarts = 5,
  rounds = 40,
  screenshots = 20,
  chunks = 4,
  timeoutMs = 30_000,
}) {
  const executablePath = findChromium();
  if (!executablePath) return { skipped: 'no chromium binary (apt-get install chromium, or set CHROMIUM_PATH)' };
  const { CHROMIUM_ARGS, snapshotExpression } = require(path.join(DIST, 'common', 'browser'));
  const { chromium } = require('playwright-core');
  const site = await startFixtureSite();
  const urls = [`${site.origin}/a`, `${site.origin}/b`];
  const floorProfile = fs.mkdtempSync(path.join(os.tmpdir(), 'nestclaw-bench-browser-'));
  let gateway;
  let socket;
  let floor;
  try {
    gateway = await startGateway({
      token,
      track,
      BenchError,
      config: {
        tools: { browser: { enabled: true, executablePath, allowUrls: [`${site.origin}/*`], actionTimeoutMs: timeoutMs } },
      },
    });
    socket = await connectGateway(gateway.url, {
      minProtocol: 3,
      maxProtocol: 4,
      client: { id: 'cli', version: '1', platform: 'linux', mode: 'cli' },
      auth: { token },
    });
    const request = browserClient(socket, { BenchError, timeoutMs: timeoutMs + 5_000 });
    const launchFloor = () =>
      chromium.launchPersistentContext(floorProfile, { executablePath, headless: true, args: CHROMIUM_ARGS });

    // Cold start: each side launches and stops its browser, taking turns.
    const cold = { gateway: [], floor: [] };
    for (let i = 0; i < coldStarts; i++) {
      await request('POST', '/stop');
      cold.gateway.push(await timed(() => request('POST', '/start')));
      let context;
      cold.floor.push(await timed(async () => (context = await launchFloor())));
      await context.close();
    }

    // Warm rows: both browsers stay up; one tab each.
    floor = await launchFloor();
    const page = floor.pages()[0] || (await floor.newPage());
    const snapshotScript = snapshotExpression(12_000);
    const rows = { navigate: [], snapshot: [], navigateSnapshot: [], screenshot: [] };
    const floorRows = { navigate: [], snapshot: [], navigateSnapshot: [], screenshot: [] };
    for (const warm of [true, false]) {
      // One unmeasured round first, so first-use costs (route set-up, fonts) are not in the figures.
      const perChunk = warm ? 1 : Math.ceil(rounds / chunks);
      for (let chunk = 0; chunk < (warm ? 1 : chunks); chunk++) {
        for (const side of ['gateway', 'floor']) {
          const into = side === 'gateway' ? rows : floorRows;
          for (let i = 0; i < perChunk; i++) {
            const url = urls[i % 2];
            const navigate =
              side === 'gateway'
                ? await timed(() => request('POST', '/navigate', { url }))
                : await timed(() => page.goto(url, { waitUntil: 'domcontentloaded', timeout: timeoutMs }));
            const snapshot =
              side === 'gateway'
                ? await timed(() => request('GET', '/snapshot'))
                : await timed(() => page.evaluate(snapshotScript));
            if (warm) continue;
            into.navigate.push(navigate);
            into.snapshot.push(snapshot);
            into.navigateSnapshot.push(navigate + snapshot);
          }
          const shots = warm ? 1 : Math.ceil(screenshots / chunks);
          for (let i = 0; i < shots; i++) {
            const ms =
              side === 'gateway'
                ? await timed(() => request('POST', '/screenshot'))
                : await timed(() => page.screenshot({ type: 'png', timeout: timeoutMs }));
            if (!warm) into.screenshot.push(ms);
          }
        }
      }
    }
    const row = (gatewaySamples, floorSamples) => ({ gateway: stats(gatewaySamples), floor: stats(floorSamples) });
    return {
      executablePath,
      coldStartMs: row(cold.gateway, cold.floor),
      navigateMs: row(rows.navigate, floorRows.navigate),
      snapshotMs: row(rows.snapshot, floorRows.snapshot),
      navigateSnapshotMs: row(rows.navigateSnapshot, floorRows.navigateSnapshot),
      screenshotMs: row(rows.screenshot, floorRows.screenshot),
    };
  } finally {
    socket?.close();
    await floor?.close().catch(() => undefined);
    await gateway?.stop();
    await site.close();
    fs.rmSync(floorProfile, { recursive: true, force: true });
  }
}

/** The rows for a table: [figure, gateway p50, floor p50, ratio]. */
function browserToolRows(result, f) {
  if (!result || result.skipped || result.failed) return [];
  const rows = [
    ['cold start (launch) p50 (ms)', result.coldStartMs],
    ['navigate p50 (ms)', result.navigateMs],
    ['snapshot p50 (ms)', result.snapshotMs],
    ['navigate + snapshot p50 (ms)', result.navigateSnapshotMs],
    ['screenshot p50 (ms)', result.screenshotMs],
  ];
  return rows.map(([name, r]) => [name, f(r.gateway.p50, 1), f(r.floor.p50, 1), `${(r.gateway.p50 / r.floor.p50).toFixed(2)}×`]);
}

module.exports = { measureBrowserTool, browserToolRows };

if (require.main === module) {
  const quick = process.env.BENCH_QUICK === '1';
  const stats = (samples) => {
    const sorted = Float64Array.from(samples).sort();
    const pick = (p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
    return { n: sorted.length, p50: pick(50), p90: pick(90), max: sorted[sorted.length - 1] };
  };
  const children = new Set();
  const watchdog = setTimeout(() => {
    console.error('browser bench: watchdog fired after 240 s');
    for (const child of children) child.kill('SIGKILL');
    process.exit(2);
  }, 240_000);
  measureBrowserTool({
    stats,
    track: (proc) => (children.add(proc), proc.once('exit', () => children.delete(proc))),
    ...(quick ? { coldStarts: 2, rounds: 8, screenshots: 4, chunks: 2 } : {}),
  }).then(
    (result) => {
      clearTimeout(watchdog);
      if (result.skipped) console.log(`browser bench skipped: ${result.skipped}`);
      const f = (v, d = 0) => (v === undefined || Number.isNaN(v) ? '-' : v.toFixed(d));
      for (const [name, gateway, floor, ratio] of browserToolRows(result, f))
        console.log(`${name.padEnd(32)} browser.request ${gateway.padStart(8)}   playwright ${floor.padStart(8)}   ${ratio}`);
      console.log(JSON.stringify({ bench: 'nestclaw-browser-tool', results: result }));
    },
    (error) => {
      clearTimeout(watchdog);
      console.error(`browser bench failed: ${error && error.stack ? error.stack : error}`);
      process.exit(2);
    },
  );
}
