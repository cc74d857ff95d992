import * as fs from 'node:fs';
import { generateDeviceIdentity, signDeviceProof } from '../../src/common/identity';
import { runCli } from '../support/cli-process';
import { createTestApp, TestApp } from '../support/test-app';
import { WsTestClient } from '../support/ws-test-client';

describe('nestclaw devices (real CLI, real gateway)', () => {
  let app: TestApp;
  const env = () => ({ NESTCLAW_STATE_DIR: app.stateDir, NESTCLAW_GATEWAY_PORT: String(app.port) });
  const cli = async (args: string[]) => {
    const run = runCli(args, env());
    const { code } = await run.exited;
    return { code, output: run.output() };
  };
  const phone = generateDeviceIdentity();

  async function connectPhone(): Promise<{ client: WsTestClient; res: Awaited<ReturnType<WsTestClient['connect']>> }> {
    const client = await WsTestClient.open(app.url, { headers: { host: '192.0.2.10:18789' } });
    const clientInfo = { id: 'phone-app', version: '2.0', platform: 'android', mode: 'ui', displayName: 'Pixel' };
    const res = await client.connect({
      client: clientInfo,
      auth: { token: app.token },
      device: signDeviceProof(phone, {
        clientId: clientInfo.id,
        clientMode: clientInfo.mode,
        role: 'operator',
        scopes: [],
        signedAtMs: Date.now(),
        token: app.token,
        nonce: client.challengeNonce,
      }),
    });
    return { client, res };
  }

  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app.close());

  it('lists a pending request, approves it, and later revokes the device by id prefix', async () => {
    const first = await connectPhone();
    const requestId = (first.res.error!.details as { requestId: string }).requestId;

    const listed = await cli(['devices', 'list']);
    expect(listed.code).toBe(0);
    expect(listed.output).toContain(requestId);
    expect(listed.output).toContain('Pixel (android, operator operator.admin) from 127.0.0.1');

    const json = JSON.parse((await cli(['devices', 'list', '--json'])).output);
    expect(json.pending).toEqual([expect.objectContaining({ requestId, deviceId: phone.deviceId })]);
    expect(json.pending[0]).not.toHaveProperty('publicKey');

    const approved = await cli(['devices', 'approve', requestId]);
    expect(approved.code).toBe(0);
    expect(approved.output).toContain('approved Pixel');

    const second = await connectPhone();
    expect(second.res.ok).toBe(true);

    const revoked = await cli(['devices', 'revoke', phone.deviceId.slice(0, 10)]);
    expect(revoked.code).toBe(0);
    expect(revoked.output).toContain('1 session(s) closed');
    expect((await second.client.waitClosed()).reason).toBe('device revoked');
    expect((await connectPhone()).res.error!.code).toBe('NOT_PAIRED');
  });

  it('explains an unknown or expired request id (exit 1)', async () => {
    const { code, output } = await cli(['devices', 'approve', 'no-such-request']);
    expect(code).toBe(1);
    expect(output).toContain('no pending pairing request no-such-request');
  });

  it('refuses an ambiguous or unknown device id prefix (exit 3)', async () => {
    const { code, output } = await cli(['devices', 'revoke', 'zzzz']);
    expect(code).toBe(3);
    expect(output).toContain('no paired device id starts with zzzz');
  });

  it('keeps the CLI state dir private', () => {
    expect(fs.statSync(`${app.stateDir}/identity`).mode & 0o777).toBe(0o700);
  });
});
