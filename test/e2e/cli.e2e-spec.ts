import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli } from '../support/cli-process';
import { createTestApp, makeStateDir, TestApp } from '../support/test-app';

async function cli(args: string[], env: Record<string, string>) {
  const run = runCli(args, env);
  const { code } = await run.exited;
  return { code, output: run.output() };
}

describe('nestclaw CLI against a real gateway', () => {
  let app: TestApp;
  const dirs: string[] = [];
  const cliStateDir = (config?: object) => {
    const dir = makeStateDir();
    dirs.push(dir);
    if (config) fs.writeFileSync(path.join(dir, 'nestclaw.json'), JSON.stringify(config));
    return dir;
  };
  /** The CLI on the gateway host: same state dir (so it finds the generated token) and port. */
  const localEnv = () => ({ NESTCLAW_STATE_DIR: app.stateDir, NESTCLAW_GATEWAY_PORT: String(app.port) });

  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(async () => {
    await app.close();
    dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true }));
  });

  describe('local gateway', () => {
    it('reads the generated token from the state dir and prints health', async () => {
      const { code, output } = await cli(['health'], localEnv());
      expect(code).toBe(0);
      expect(output).toContain('gateway healthy');
      expect(output).not.toMatch(/\x1b\[/);
    });

    it('prints stable JSON with --json', async () => {
      const { code, output } = await cli(['gateway', 'health', '--json'], localEnv());
      expect(code).toBe(0);
      expect(JSON.parse(output)).toMatchObject({ ok: true, nodes: { connected: 0 } });
    });

    it('calls any method with --params and prints the answer', async () => {
      const { code, output } = await cli(['gateway', 'call', 'system-presence', '--json'], localEnv());
      expect(code).toBe(0);
      expect(JSON.parse(output)).toEqual(expect.arrayContaining([expect.objectContaining({ key: 'gateway' })]));
    });

    it('exits 1 with the gateway error when the method fails', async () => {
      const { code, output } = await cli(['gateway', 'call', 'no.such.method'], localEnv());
      expect(code).toBe(1);
      expect(output).toContain('unknown method: no.such.method');
      expect(output).toContain(`ws://127.0.0.1:${app.port}`);
    });

    it('exits 3 on params that are not JSON, saying how to write them', async () => {
      const { code, output } = await cli(['gateway', 'call', 'health', '--params', '{oops'], localEnv());
      expect(code).toBe(3);
      expect(output).toContain('--params must be JSON');
    });

    it('shows the local summary, and the gateway state with --deep', async () => {
      const shallow = await cli(['status', '--json'], localEnv());
      expect(shallow.code).toBe(0);
      expect(JSON.parse(shallow.output)).toMatchObject({
        mode: 'local',
        target: { url: `ws://127.0.0.1:${app.port}`, source: 'local gateway, port from NESTCLAW_GATEWAY_PORT' },
        port: { value: app.port, source: 'NESTCLAW_GATEWAY_PORT' },
      });
      const deep = await cli(['status', '--deep'], localEnv());
      expect(deep.code).toBe(0);
      expect(deep.output).toContain('nodes: 0 connected');
      expect(deep.output).toContain('channels:');
    });

    it('never sends gateway.remote.token to the local gateway, and it does not unlock it', async () => {
      const dir = cliStateDir({ gateway: { port: app.port, remote: { token: 'remote-only-token' } } });
      const { code, output } = await cli(['health', '--json'], { NESTCLAW_STATE_DIR: dir });
      expect(code).toBe(1);
      expect(JSON.parse(output)).toMatchObject({ ok: false, kind: 'handshake-refused' });
      const explicit = await cli(['health', '--url', app.url, '--token', 'remote-only-token'], { NESTCLAW_STATE_DIR: dir });
      expect(explicit.code).toBe(1);
      expect(explicit.output).toContain('gateway token mismatch');
    });

    it('names the fix when nothing is listening (exit 2)', async () => {
      const { code, output } = await cli(['health'], { NESTCLAW_STATE_DIR: cliStateDir(), NESTCLAW_GATEWAY_PORT: '1' });
      expect(code).toBe(2);
      expect(output).toContain('ws://127.0.0.1:1 (from local gateway, port from NESTCLAW_GATEWAY_PORT)');
      expect(output).toContain('is the gateway running');
    });
  });

  describe('--url', () => {
    it('refuses to borrow config or environment secrets (exit 3)', async () => {
      const dir = cliStateDir({ gateway: { auth: { token: 'from-config' } } });
      const { code, output } = await cli(['health', '--url', app.url], {
        NESTCLAW_STATE_DIR: dir,
        NESTCLAW_GATEWAY_TOKEN: app.token,
      });
      expect(code).toBe(3);
      expect(output).toContain('without --token or --password');
    });

    it('works with the token given on the command line', async () => {
      const { code } = await cli(['health', '--url', app.url, '--token', app.token], { NESTCLAW_STATE_DIR: cliStateDir() });
      expect(code).toBe(0);
    });

    it('reports a wrong token with the key to set (exit 1), never echoing it', async () => {
      const { code, output } = await cli(['health', '--url', app.url, '--token', 'not-the-token'], {
        NESTCLAW_STATE_DIR: cliStateDir(),
      });
      expect(code).toBe(1);
      expect(output).toContain('gateway.remote.token');
      expect(output).toContain('(from --url)');
      expect(output).not.toContain('not-the-token');
      expect(output).not.toContain(app.token);
    });

    it('refuses a TLS fingerprint with a ws:// URL', async () => {
      const { code, output } = await cli(
        ['health', '--url', app.url, '--token', app.token, '--tls-fingerprint', 'ab'.repeat(32)],
        { NESTCLAW_STATE_DIR: cliStateDir() },
      );
      expect(code).toBe(3);
      expect(output).toContain('ws:// URL');
    });
  });

  describe('remote mode', () => {
    it('uses gateway.remote.url and gateway.remote.token', async () => {
      const dir = cliStateDir({ gateway: { mode: 'remote', remote: { url: app.url, token: app.token } } });
      const { code, output } = await cli(['gateway', 'status', '--json'], { NESTCLAW_STATE_DIR: dir });
      expect(code).toBe(0);
      expect(JSON.parse(output)).toMatchObject({ bind: { port: app.port } });
    });

    it('prefers --token over gateway.remote.token', async () => {
      const dir = cliStateDir({ gateway: { mode: 'remote', remote: { url: app.url, token: 'stale' } } });
      expect((await cli(['health', '--token', app.token], { NESTCLAW_STATE_DIR: dir })).code).toBe(0);
    });

    it('is a usage error without gateway.remote.url, naming the key (exit 3)', async () => {
      const dir = cliStateDir({ gateway: { mode: 'remote' } });
      const { code, output } = await cli(['health'], { NESTCLAW_STATE_DIR: dir });
      expect(code).toBe(3);
      expect(output).toContain('gateway.remote.url is not set');
    });
  });

  describe('gateway probe', () => {
    it('reports the loopback gateway and a configured remote one, exit 0', async () => {
      const dir = cliStateDir({ gateway: { port: app.port, remote: { url: app.url, token: app.token } } });
      fs.copyFileSync(path.join(app.stateDir, 'gateway.token'), path.join(dir, 'gateway.token'));
      const { code, output } = await cli(['gateway', 'probe', '--json'], { NESTCLAW_STATE_DIR: dir });
      expect(code).toBe(0);
      const results = JSON.parse(output);
      expect(results).toEqual([
        expect.objectContaining({ name: 'remote', url: app.url, reachable: true, authenticated: true }),
        expect.objectContaining({ name: 'loopback', url: app.url, reachable: true, authenticated: true }),
      ]);
    });

    it('says a gateway answered but refused the credentials, exit 1', async () => {
      const dir = cliStateDir({ gateway: { port: app.port } });
      const { code, output } = await cli(['gateway', 'probe'], { NESTCLAW_STATE_DIR: dir });
      expect(code).toBe(1);
      expect(output).toContain('a gateway answered, but refused the credentials');
    });

    it('exits 2 when no gateway answers anywhere', async () => {
      const { code, output } = await cli(['gateway', 'probe'], { NESTCLAW_STATE_DIR: cliStateDir(), NESTCLAW_GATEWAY_PORT: '1' });
      expect(code).toBe(2);
      expect(output).toContain('no gateway');
    });
  });

  describe('usage', () => {
    it('exits 3 on an unknown command or option', async () => {
      expect((await cli(['gateway', 'bogus'], { NESTCLAW_STATE_DIR: cliStateDir() })).code).toBe(3);
      expect((await cli(['health', '--frobnicate'], { NESTCLAW_STATE_DIR: cliStateDir() })).code).toBe(3);
    });

    it('exits 3 on a broken config file, naming the key', async () => {
      const dir = cliStateDir({ gateway: { mode: 'sideways' } });
      const { code, output } = await cli(['status'], { NESTCLAW_STATE_DIR: dir });
      expect(code).toBe(3);
      expect(output).toContain('gateway.mode');
    });

    it('prints the version', async () => {
      const { code, output } = await cli(['--version'], { NESTCLAW_STATE_DIR: cliStateDir() });
      expect(code).toBe(0);
      expect(output.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    });
  });
});
