import * as fs from 'node:fs';
import * as path from 'node:path';
import { FakeTailscale } from '../support/fake-tailscale/fake-tailscale';
import { freePort } from '../support/free-port';
import { runCli } from '../support/cli-process';
import { makeStateDir } from '../support/test-app';
import { WsTestClient } from '../support/ws-test-client';

describe('nestclaw gateway run --tailscale (real process)', () => {
  const cleanups: Array<() => void> = [];
  afterAll(() => cleanups.forEach((cleanup) => cleanup()));

  function setUp(fake: FakeTailscale): string {
    const stateDir = makeStateDir();
    cleanups.push(
      () => fs.rmSync(stateDir, { recursive: true, force: true }),
      () => fake.dispose(),
    );
    return stateDir;
  }

  it('starts serve from the flags, prints the https URL, and undoes it on SIGTERM with --tailscale-reset-on-exit', async () => {
    const fake = new FakeTailscale();
    const port = await freePort();
    const run = runCli(['gateway', 'run', '--port', String(port), '--tailscale', 'serve', '--tailscale-reset-on-exit'], {
      NESTCLAW_STATE_DIR: setUp(fake),
      ...fake.env,
    });
    // The banner, not the [Tailscale] info line before it, which names the URL too.
    await run.waitFor('serve   https://gateway.tail1234.ts.net/ (tailnet only; removed when the gateway stops)');
    expect(fake.callsOf('serve')).toEqual([['serve', '--bg', '--https=443', `http://127.0.0.1:${port}`]]);

    run.child.kill('SIGTERM');
    expect((await run.exited).code).toBe(0);
    expect(fake.calls().at(-1)).toEqual(['serve', '--https=443', 'off']);
  }, 30_000);

  it('warns with the fix and keeps serving on loopback when the tailscale command is missing', async () => {
    const fake = new FakeTailscale({ missing: true });
    const port = await freePort();
    const stateDir = setUp(fake);
    const run = runCli(['gateway', 'run', '--port', String(port), '--tailscale', 'serve'], {
      NESTCLAW_STATE_DIR: stateDir,
      ...fake.env,
    });
    await run.waitFor(`listening on ws://127.0.0.1:${port}`);
    await run.waitFor('install Tailscale');
    expect(run.output()).toMatch(/WARN.*the tailscale command is not on PATH: install Tailscale/);
    expect(run.output()).toContain('serve   not active (not-installed); see the Tailscale warning above');

    const token = fs.readFileSync(path.join(stateDir, 'gateway.token'), 'utf8').trim();
    const client = await WsTestClient.connected(`ws://127.0.0.1:${port}`, { auth: { token } });
    await client.close();
    run.child.kill('SIGTERM');
    expect((await run.exited).code).toBe(0);
  }, 30_000);

  it('refuses --tailscale funnel without password auth, exit 3, before calling tailscale', async () => {
    const fake = new FakeTailscale();
    const run = runCli(['gateway', 'run', '--port', String(await freePort()), '--tailscale', 'funnel'], {
      NESTCLAW_STATE_DIR: setUp(fake),
      ...fake.env,
    });
    expect((await run.exited).code).toBe(3);
    expect(run.output()).toContain('requires password auth');
    expect(fake.calls()).toEqual([]);
  }, 30_000);

  it('refuses --tailscale serve with --bind lan, exit 3', async () => {
    const fake = new FakeTailscale();
    const run = runCli(['gateway', 'run', '--port', String(await freePort()), '--bind', 'lan', '--tailscale', 'serve'], {
      NESTCLAW_STATE_DIR: setUp(fake),
      NESTCLAW_GATEWAY_TOKEN: 'x'.repeat(40),
      ...fake.env,
    });
    expect((await run.exited).code).toBe(3);
    expect(run.output()).toContain('needs a loopback bind');
    expect(run.output()).toContain('--bind loopback');
  }, 30_000);

  it('refuses an unknown --tailscale value as bad usage, exit 3', async () => {
    const fake = new FakeTailscale();
    const run = runCli(['gateway', 'run', '--tailscale', 'public'], { NESTCLAW_STATE_DIR: setUp(fake), ...fake.env });
    expect((await run.exited).code).toBe(3);
    expect(run.output()).toContain('--tailscale: must be one of off, serve, funnel');
  }, 30_000);
});
