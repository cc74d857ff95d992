'use strict';
// Runs the real gateway from dist/ in its own process so its RSS is not
// mixed with the bench's client sockets. Prints {"port":N} on stdout once
// listening (with startMs: process start → listening); see child-common.js for the IPC commands.
// Usage: node --expose-gc bench/gateway-child.js   (token: BENCH_TOKEN env; config file text: BENCH_CONFIG_JSON env)
const { performance } = require('node:perf_hooks');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { serveIpc } = require('./child-common');

const DIST = path.join(__dirname, '..', 'dist');

async function main() {
  const { loadConfig } = require(path.join(DIST, 'common', 'config'));
  const { startGateway } = require(path.join(DIST, 'main.js'));
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nestclaw-bench-'));
  const token = process.env.BENCH_TOKEN || 'nestclaw-bench-token-0123456789abcdef';
  const config = loadConfig({
    env: { NESTCLAW_STATE_DIR: stateDir, NESTCLAW_GATEWAY_TOKEN: token },
    homeDir: stateDir,
    // No config file: defaults (loopback bind, token auth), unless a phase needs a feature on (BENCH_CONFIG_JSON).
    readFile: () => process.env.BENCH_CONFIG_JSON || undefined,
  });
  const gateway = await startGateway({ config, listenPort: 0, logLevels: false });
  serveIpc({
    name: 'gateway-child',
    close: async () => {
      try {
        await gateway.close();
      } finally {
        fs.rmSync(stateDir, { recursive: true, force: true });
      }
    },
  });
  // From the process's own start (node boot, module loading, Nest wiring) to a listening port.
  const startMs = performance.now();
  process.stdout.write(JSON.stringify({ port: gateway.port, pid: process.pid, startMs }) + '\n');
}

main().catch((error) => {
  process.stderr.write(`[gateway-child] failed to start: ${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
