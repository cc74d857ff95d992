import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatFingerprint } from '../../src/common/net';
import { runCli } from '../support/cli-process';
import { ForwardingProxy } from '../support/forwarding-proxy';
import { freePort } from '../support/free-port';
import { createTestApp, stateDirPool, TestApp } from '../support/test-app';
import { WsTestClient } from '../support/ws-test-client';

const TOKEN = 'doctor-e2e-token-0123456789abcdef';

interface Hop {
  hop: string;
  status: 'ok' | 'fail' | 'warn' | 'skip';
  detail: string;
  fix?: string;
}
interface Report {
  ok: boolean;
  hops: Hop[];
  failedAt?: string;
  exitCode: number;
}

describe('nestclaw doctor (real gateway, each failure injected)', () => {
  const dirs = stateDirPool();
  let app: TestApp;

  beforeAll(async () => {
    app = await createTestApp({ config: { gateway: { auth: { token: TOKEN } } } });
  });
  afterAll(async () => {
    await app?.close();
    dirs.removeAll();
  });

  /** The CLI as a fresh client machine: its own state dir (device identity) and HOME. */
  async function doctor(args: string[], env: Record<string, string> = {}) {
    const clientDir = dirs.make();
    const run = runCli(['doctor', ...args], { NESTCLAW_STATE_DIR: clientDir, HOME: clientDir, ...env });
    const { code } = await run.exited;
    return { code, output: run.output() };
  }
  async function doctorJson(args: string[], env: Record<string, string> = {}) {
    const { code, output } = await doctor([...args, '--json'], env);
    return { code, report: JSON.parse(output) as Report };
  }
  const statuses = (report: Report) => report.hops.map((hop) => `${hop.hop}:${hop.status}`);

  it('walks every hop to a working session and exits 0', async () => {
    const { code, output } = await doctor(['--url', app.url, '--token', TOKEN]);
    expect(code).toBe(0);
    for (const hop of ['config', 'dns', 'tcp', 'upgrade', 'auth', 'pairing', 'scopes', 'version']) {
      expect(output).toMatch(new RegExp(`✓ ${hop}\\b`));
    }
    expect(output).toMatch(/– tls +plain ws:\/\//);
    expect(output).toContain(`${app.url} (from --url)`);
    expect(output).toContain('every hop works');
    expect(output).not.toContain(TOKEN);
  });

  it('a wrong token stops at auth with the gateway message and where the secret came from', async () => {
    const { code, report } = await doctorJson(['--url', app.url, '--token', 'not-the-token-at-all']);
    expect(code).toBe(1);
    expect(report.failedAt).toBe('auth');
    expect(statuses(report)).toEqual(['config:ok', 'dns:ok', 'tcp:ok', 'tls:skip', 'upgrade:ok', 'auth:fail']);
    const auth = report.hops.at(-1)!;
    expect(auth.detail).toMatch(/token mismatch/);
    expect(auth.fix).toContain('--token');
    expect(auth.fix).toContain('gateway.token');
    expect(JSON.stringify(report)).not.toContain('not-the-token-at-all');
  });

  it('a browser Origin the gateway does not allow stops at upgrade, naming gateway.controlUi.allowedOrigins', async () => {
    const { code, output } = await doctor(['--url', app.url, '--token', TOKEN, '--origin', 'https://evil.example']);
    expect(code).toBe(2);
    expect(output).toMatch(/✗ upgrade +the gateway refused the Origin https:\/\/evil\.example \(HTTP 403/);
    expect(output).toContain('gateway.controlUi.allowedOrigins: ["https://evil.example"]');
    expect(output).not.toMatch(/✓ auth/);
  });

  it("accepts the gateway's own page origin", async () => {
    const { code, output } = await doctor(['--url', app.url, '--token', TOKEN, '--origin', app.httpUrl]);
    expect(code).toBe(0);
    expect(output).toContain(`WebSocket accepted from Origin ${app.httpUrl}`);
  });

  it('nothing listening stops at tcp and says to open the tunnel', async () => {
    const port = await freePort();
    const { code, report } = await doctorJson(['--url', `ws://127.0.0.1:${port}`, '--token', TOKEN]);
    expect(code).toBe(2);
    expect(statuses(report)).toEqual(['config:ok', 'dns:ok', 'tcp:fail']);
    expect(report.hops[2].detail).toContain('connection refused');
    expect(report.hops[2].fix).toContain(`nestclaw tunnel ssh user@host --local-port ${port}`);
  });

  it('a host name that does not resolve stops at dns', async () => {
    const { code, report } = await doctorJson(['--url', 'ws://no-such-host.invalid:18789', '--token', TOKEN]);
    expect(code).toBe(2);
    expect(report.failedAt).toBe('dns');
    expect(report.hops.at(-1)!.fix).toContain('getent hosts no-such-host.invalid');
  });

  it('a usage problem stops at config with exit 3', async () => {
    const { code, report } = await doctorJson(['--url', app.url]);
    expect(code).toBe(3);
    expect(statuses(report)).toEqual(['config:fail']);
    expect(report.hops[0].detail).toContain('--token');
  });

  it('missing scope: a client that asks for operator.read only learns which commands will be refused', async () => {
    const { code, report } = await doctorJson(['--url', app.url, '--token', TOKEN, '--scopes', 'operator.read']);
    expect(code).toBe(1);
    expect(report.failedAt).toBe('scopes');
    const scopes = report.hops.at(-1)!;
    expect(scopes.detail).toContain('missing scope: operator.pairing');
    expect(scopes.detail).toContain('nestclaw devices');
    expect(scopes.fix).toContain('operator.pairing');
  });

  it('pairing required (a remote client): names the request and the approve command; passes once approved', async () => {
    const proxy = await ForwardingProxy.start(app.port);
    const operator = await WsTestClient.connected(app.url, { auth: { token: TOKEN } });
    const clientDir = dirs.make();
    const env = { NESTCLAW_STATE_DIR: clientDir, HOME: clientDir };
    try {
      const first = runCli(['doctor', '--url', proxy.url, '--token', TOKEN, '--json'], env);
      expect((await first.exited).code).toBe(1);
      const report = JSON.parse(first.output()) as Report;
      expect(statuses(report).slice(-2)).toEqual(['auth:ok', 'pairing:fail']);
      const requestId = /nestclaw devices approve (\S+)`/.exec(report.hops.at(-1)!.fix!)![1];
      const pending = (await operator.request('device.pair.list')).payload as { pending: Array<{ requestId: string }> };
      expect(pending.pending.map((p) => p.requestId)).toContain(requestId);

      expect((await operator.request('device.pair.approve', { requestId })).ok).toBe(true);
      const second = runCli(['doctor', '--url', proxy.url, '--token', TOKEN], env);
      expect((await second.exited).code).toBe(0);
      expect(second.output()).toMatch(/✓ pairing +this device is paired as operator/);
    } finally {
      await operator.close();
      await proxy.close();
    }
  });

  it('on the gateway host: reads the local target, checks the state dir and names the process on the port', async () => {
    // The gateway's own config file, as `onboard` writes it: the token the CLI on this host reads.
    const configPath = path.join(app.stateDir, 'nestclaw.json');
    fs.writeFileSync(configPath, JSON.stringify({ gateway: { auth: { token: TOKEN } } }), { mode: 0o600 });
    const { code, output } = await doctor([], {
      NESTCLAW_STATE_DIR: app.stateDir,
      NESTCLAW_CONFIG_PATH: configPath,
      NESTCLAW_GATEWAY_PORT: String(app.port),
    });
    expect(output).toContain(`ws://127.0.0.1:${app.port} (from local gateway, port from NESTCLAW_GATEWAY_PORT)`);
    expect(output).toMatch(/state-dir/);
    expect(output).toMatch(/– service +no nestclaw-gateway\.service installed/);
    expect(output).toMatch(new RegExp(`✓ tcp +127\\.0\\.0\\.1:${app.port} accepts connections; listening: pid ${process.pid} `));
    expect(output).toMatch(/✓ auth +the gateway accepted the secret from gateway\.auth\.token/);
    expect(code).toBe(0);
  });
});

describe('nestclaw doctor against a TLS gateway', () => {
  const dirs = stateDirPool();
  let app: TestApp;

  beforeAll(async () => {
    app = await createTestApp({ config: { gateway: { auth: { token: TOKEN }, tls: { enabled: true } } } });
  });
  afterAll(async () => {
    await app?.close();
    dirs.removeAll();
  });

  async function doctor(args: string[]) {
    const clientDir = dirs.make();
    const run = runCli(['doctor', ...args], { NESTCLAW_STATE_DIR: clientDir, HOME: clientDir });
    const { code } = await run.exited;
    return { code, output: run.output() };
  }

  it('a pin that does not match stops at tls with both fingerprints, before any secret is sent', async () => {
    const wrong = 'ab'.repeat(32);
    const { code, output } = await doctor(['--url', app.url, '--token', TOKEN, '--tls-fingerprint', wrong]);
    expect(code).toBe(2);
    expect(output).toContain(`✗ tls`);
    expect(output).toContain(formatFingerprint(app.gateway.tlsFingerprint!));
    expect(output).toContain(formatFingerprint(wrong));
    expect(output).not.toMatch(/auth/);
  });

  it('an unpinned self-signed certificate says how to pin it', async () => {
    const { code, output } = await doctor(['--url', app.url, '--token', TOKEN]);
    expect(code).toBe(2);
    expect(output).toContain('not trusted by this machine');
    expect(output).toContain('--tls-fingerprint');
  });

  it('the right pin passes every hop', async () => {
    const { code, output } = await doctor(['--url', app.url, '--token', TOKEN, '--tls-fingerprint', app.gateway.tlsFingerprint!]);
    expect(output).toMatch(/✓ tls +certificate pinned and matching/);
    expect(code).toBe(0);
  });

  it('plain ws:// to the TLS port says to use wss://', async () => {
    const { code, output } = await doctor(['--url', app.url.replace('wss:', 'ws:'), '--token', TOKEN]);
    expect(code).toBe(2);
    expect(output).toContain('the port speaks TLS, but the URL is plain ws://');
    expect(output).toContain(`use ${app.url}`);
  });
});
