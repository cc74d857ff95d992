import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { stateDirPool } from '../support/test-app';
import { runCli } from '../support/cli-process';
import { WsTestClient } from '../support/ws-test-client';
import { freePort } from '../support/free-port';

describe('nestclaw gateway run (real process)', () => {
  const pool = stateDirPool();
  const stateDir = pool.make;
  afterAll(() => pool.removeAll());

  it('starts on loopback with a generated 0600 token, prints where it is but not the token, and stops cleanly on SIGTERM', async () => {
    const dir = stateDir();
    const port = await freePort();
    const run = runCli(['gateway', 'run', '--port', String(port)], { NESTCLAW_STATE_DIR: dir });
    await run.waitFor(`listening on ws://127.0.0.1:${port}`);
    expect(run.output()).toContain(`ui      http://127.0.0.1:${port}/ (Control UI`);
    const tokenFile = path.join(dir, 'gateway.token');
    const token = fs.readFileSync(tokenFile, 'utf8').trim();
    expect(fs.statSync(tokenFile).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.join(dir, 'state.db')).mode & 0o777).toBe(0o600);
    expect(run.output()).toContain(tokenFile);
    expect(run.output()).not.toContain(token);

    const client = await WsTestClient.connected(`ws://127.0.0.1:${port}`, { auth: { token } });
    run.child.kill('SIGTERM');
    const shutdown = await client.nextEvent('shutdown');
    expect(shutdown.payload).toMatchObject({ reason: expect.any(String) });
    expect((await client.waitClosed()).code).toBe(1012);
    expect(await run.exited).toEqual({ code: 0, signal: null });
  }, 30_000);

  it('reuses the generated token on the next start', async () => {
    const dir = stateDir();
    const port = await freePort();
    for (let round = 0; round < 2; round++) {
      const run = runCli(['gateway', 'run', '--port', String(port)], { NESTCLAW_STATE_DIR: dir });
      await run.waitFor('listening on');
      expect(run.output().includes('generated now')).toBe(round === 0);
      run.child.kill('SIGINT');
      expect((await run.exited).code).toBe(0);
    }
  }, 30_000);

  it('refuses to start when the port is taken, naming the other instance', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    const run = runCli(['gateway', 'run', '--port', String(port)], { NESTCLAW_STATE_DIR: stateDir() });
    const { code } = await run.exited;
    blocker.close();
    // Retryable: the other instance may be on its way out.
    expect(code).toBe(1);
    expect(run.output()).toContain(`another gateway instance is already listening on ws://127.0.0.1:${port}`);
  }, 30_000);

  it('refuses a second gateway on the same state dir, naming the running PID, and takes over a stale lock', async () => {
    const dir = stateDir();
    const first = runCli(['gateway', 'run', '--port', String(await freePort())], { NESTCLAW_STATE_DIR: dir });
    await first.waitFor('listening on');
    const second = runCli(['gateway', 'run', '--port', String(await freePort())], { NESTCLAW_STATE_DIR: dir });
    expect((await second.exited).code).toBe(1);
    expect(second.output()).toContain(`another gateway (PID ${first.child.pid}) is already running on the state dir ${dir}`);
    expect(second.output()).toContain(`kill ${first.child.pid}`);

    first.child.kill('SIGKILL');
    await first.exited;
    // A crashed gateway leaves its lock behind; the next start must not be blocked by it.
    expect(fs.existsSync(path.join(dir, 'gateway.lock'))).toBe(true);
    const third = runCli(['gateway', 'run', '--port', String(await freePort())], { NESTCLAW_STATE_DIR: dir });
    await third.waitFor('listening on');
    third.child.kill('SIGTERM');
    expect((await third.exited).code).toBe(0);
    expect(fs.existsSync(path.join(dir, 'gateway.lock'))).toBe(false);
  }, 45_000);

  it('refuses a LAN bind without an explicitly configured token', async () => {
    const run = runCli(['gateway', 'run', '--bind', 'lan', '--port', String(await freePort())], {
      NESTCLAW_STATE_DIR: stateDir(),
    });
    const { code } = await run.exited;
    expect(code).toBe(3);
    expect(run.output()).toContain('refusing to listen on 0.0.0.0');
    expect(run.output()).toContain('gateway.auth.token');
  }, 30_000);

  it('stops on a bad config file with the key path and what is expected, exit 3', async () => {
    const dir = stateDir();
    fs.writeFileSync(path.join(dir, 'nestclaw.json'), '{ gateway: { prot: 1, bind: "everywhere" } }');
    const run = runCli(['gateway', 'run'], { NESTCLAW_STATE_DIR: dir });
    expect((await run.exited).code).toBe(3);
    expect(run.output()).toContain('gateway.prot: unknown key');
    expect(run.output()).toMatch(/gateway\.bind: .*loopback, lan, tailnet, auto, custom/);
  }, 30_000);

  it('takes the port from NESTCLAW_GATEWAY_PORT over OPENCLAW_GATEWAY_PORT and the config file', async () => {
    const dir = stateDir();
    const port = await freePort();
    fs.writeFileSync(path.join(dir, 'nestclaw.json'), `{ gateway: { port: ${await freePort()} } }`);
    const run = runCli(['gateway', 'run'], {
      NESTCLAW_STATE_DIR: dir,
      NESTCLAW_GATEWAY_PORT: String(port),
      OPENCLAW_GATEWAY_PORT: String(await freePort()),
    });
    await run.waitFor(`listening on ws://127.0.0.1:${port}`);
    run.child.kill('SIGTERM');
    expect((await run.exited).code).toBe(0);
  }, 30_000);

  /**
   * Node arguments that make the process print, as it exits, the loaded modules whose path matches `pattern`
   * (`LOADED=[…]`, `LOADED=[]` when none).
   */
  const loadedModulesProbe = (dir: string, pattern: RegExp): string[] => {
    const probe = path.join(dir, 'probe.js');
    fs.writeFileSync(
      probe,
      `process.on('exit', () => process.stderr.write('LOADED=' + JSON.stringify(Object.keys(require.cache).filter((k) => ${pattern}.test(k))) + '\\n'));`,
    );
    return ['--require', probe];
  };

  it("starts and serves HTTP without the packages it does not need (Express, class-validator's index, lodash, …)", async () => {
    // Arrange
    const dir = stateDir();
    const unneeded =
      /class-validator[\\/]cjs[\\/]index\.js$|[\\/]node_modules[\\/](express|@nestjs[\\/]platform-express|body-parser|libphonenumber-js|lodash|dotenv|@nestjs[\\/]config)[\\/]/;
    const port = await freePort();
    const run = runCli(
      ['gateway', 'run', '--port', String(port)],
      { NESTCLAW_STATE_DIR: dir },
      loadedModulesProbe(dir, unneeded),
    );
    await run.waitFor('listening on');

    // Act
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    run.child.kill('SIGTERM');

    // Assert
    expect(health.status).toBe(200);
    expect((await run.exited).code).toBe(0);
    expect(run.output()).toContain('LOADED=[]');
  }, 30_000);

  it('loads no @nestjs module for --help', async () => {
    const run = runCli(['--help'], {}, loadedModulesProbe(stateDir(), /@nestjs/));
    expect((await run.exited).code).toBe(0);
    expect(run.output()).toContain('gateway');
    expect(run.output()).toContain('LOADED=[]');
  }, 30_000);

  it('loads neither Nest nor class-validator for a gateway call without a config file (fast CLI start)', async () => {
    const dir = stateDir();
    const run = runCli(
      ['gateway', 'call', 'health', '--url', 'ws://127.0.0.1:1', '--token', 'x'],
      { NESTCLAW_STATE_DIR: dir },
      loadedModulesProbe(dir, /@nestjs|class-validator|class-transformer/),
    );
    expect((await run.exited).code).toBe(2);
    expect(run.output()).toContain('LOADED=[]');
  }, 30_000);
});
