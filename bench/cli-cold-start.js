'use strict';
// CLI cold start: wall time of `nestclaw gateway call health` against a running
// gateway, next to a bare `node -e 0` measured the same way on this machine.

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const CLI = path.resolve(__dirname, '..', 'bin', 'nestclaw');

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function timeRuns(args, env, runs) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 15_000 });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (result.status !== 0) {
      throw new Error(`\`node ${args.join(' ')}\` failed (exit ${result.status}): ${String(result.stderr).slice(0, 400)}`);
    }
    times.push(ms);
  }
  return times;
}

/** Runs both commands `runs` times, interleaved in blocks so machine noise hits both alike. */
function measureCliColdStart({ url, token, runs = 20 }) {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nestclaw-bench-cli-'));
  const env = { ...process.env, NESTCLAW_STATE_DIR: stateDir, NO_COLOR: '1' };
  try {
    // The first run creates the CLI's device identity; time the steady state.
    timeRuns([CLI, 'gateway', 'call', 'health', '--url', url, '--token', token], env, 1);
    const cli = [];
    const node = [];
    for (let block = 0; block < 4; block++) {
      node.push(...timeRuns(['-e', '0'], env, runs / 4));
      cli.push(...timeRuns([CLI, 'gateway', 'call', 'health', '--url', url, '--token', token], env, runs / 4));
    }
    return { runs, cliMedianMs: median(cli), nodeMedianMs: median(node), cliMaxMs: Math.max(...cli) };
  } finally {
    fs.rmSync(stateDir, { recursive: true, force: true });
  }
}

module.exports = { measureCliColdStart };
