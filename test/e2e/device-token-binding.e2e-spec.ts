import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli } from '../support/cli-process';
import { FakeGateway } from '../support/fake-gateway';
import { createTestApp, stateDirPool, type TestApp } from '../support/test-app';

describe('credentials the CLI sends (issue 12 point 2)', () => {
  const pool = stateDirPool();
  let gatewayA: TestApp;

  beforeAll(async () => {
    gatewayA = await createTestApp();
  });
  afterAll(async () => {
    await gatewayA?.close();
    pool.removeAll();
  });

  async function cli(args: string[], stateDir: string) {
    const run = runCli(args, { NESTCLAW_STATE_DIR: stateDir });
    const { code } = await run.exited;
    return { code, output: run.output() };
  }
  const storedTokens = (stateDir: string): Record<string, { token: string }> =>
    JSON.parse(fs.readFileSync(path.join(stateDir, 'identity', 'device-tokens.json'), 'utf8'));
  const gatewayIdOf = (app: TestApp) => fs.readFileSync(path.join(app.stateDir, 'gateway-id'), 'utf8').trim();

  it('judges an explicit --token even when a device token for that gateway is stored', async () => {
    const cliState = pool.make();
    expect(await cli(['health', '--url', gatewayA.url, '--token', gatewayA.token], cliState)).toMatchObject({ code: 0 });
    expect(Object.keys(storedTokens(cliState))).toContain(`operator id:${gatewayIdOf(gatewayA)}`);

    const wrongToken = await cli(['health', '--url', gatewayA.url, '--token', 'WRONG-token-value'], cliState);
    expect(wrongToken.code).toBe(1);
    expect(wrongToken.output).toContain('gateway refused');
    expect(wrongToken.output).toContain('auth    from --token');

    const wrongPassword = await cli(['health', '--url', gatewayA.url, '--password', 'WRONG-password'], cliState);
    expect(wrongPassword.code).toBe(1);
  }, 30_000);

  it("binds a stored device token to the gateway's id: another gateway at the same URL never sees it", async () => {
    const cliState = pool.make();
    const config = (url: string, token: string) =>
      fs.writeFileSync(
        path.join(cliState, 'nestclaw.json'),
        JSON.stringify({ gateway: { mode: 'remote', remote: { url, token } } }),
        { mode: 0o600 },
      );
    config(gatewayA.url, gatewayA.token);
    expect(await cli(['health'], cliState)).toMatchObject({ code: 0 });
    const tokenForA = storedTokens(cliState)[`operator id:${gatewayIdOf(gatewayA)}`]?.token;
    expect(tokenForA).toEqual(expect.any(String));

    // A is gone; another gateway now answers on the very same port (the other SSH tunnel).
    const port = gatewayA.port;
    const idOfA = gatewayIdOf(gatewayA);
    await gatewayA.close();
    const other = await FakeGateway.start({ port });
    other.gatewayId = 'gw-another-gateway-entirely';
    try {
      config(gatewayA.url, 'the-other-gateways-token');
      await cli(['health'], cliState);
      const connect = await other.waitForConnects(1);
      expect(connect.params.auth?.token).toBe('the-other-gateways-token');
      // A's token stays, under A's id, for when A answers again.
      expect(storedTokens(cliState)[`operator id:${idOfA}`]?.token).toBe(tokenForA);
    } finally {
      await other.close();
      gatewayA = await createTestApp();
    }
  }, 30_000);

  it('adopts a token stored before gateway ids under the id of the gateway that accepts it', async () => {
    const cliState = pool.make();
    expect(await cli(['health', '--url', gatewayA.url, '--token', gatewayA.token], cliState)).toMatchObject({ code: 0 });
    const tokens = storedTokens(cliState);
    const token = tokens[`operator id:${gatewayIdOf(gatewayA)}`].token;
    // Rewritten as an older CLI kept it: keyed by URL.
    fs.writeFileSync(
      path.join(cliState, 'identity', 'device-tokens.json'),
      JSON.stringify({ [`operator ${gatewayA.url}`]: { token, savedAtMs: 1 } }),
      { mode: 0o600 },
    );
    // Local mode with no secret of its own: only the stored device token can get in.
    fs.writeFileSync(
      path.join(cliState, 'nestclaw.json'),
      JSON.stringify({ gateway: { mode: 'remote', remote: { url: gatewayA.url } } }),
      { mode: 0o600 },
    );

    expect(await cli(['health'], cliState)).toMatchObject({ code: 0 });
    // Accepted by A, so it was A's: now under A's id, and the URL key is gone.
    expect(Object.keys(storedTokens(cliState))).toEqual([`operator id:${gatewayIdOf(gatewayA)}`]);
  }, 30_000);
});
