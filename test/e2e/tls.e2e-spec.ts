import { createHash, X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { generate } from 'selfsigned';
import { GatewayClient } from '../../src/common/client';
import { formatFingerprint } from '../../src/common/net';
import { StartupError } from '../../src/main';
import { runCli } from '../support/cli-process';
import { createTestApp, stateDirPool, TestApp } from '../support/test-app';
import { WsTestClient } from '../support/ws-test-client';
import { freePort } from '../support/free-port';

const TLS_ON = { gateway: { tls: { enabled: true } } };
const sha256Of = (pem: string) => createHash('sha256').update(new X509Certificate(pem).raw).digest('hex');

function getHttps(url: string, options: https.RequestOptions): Promise<{ status: number; body: string; peerSha256: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get(url, options, (res) => {
      const peer = (res.socket as TLSSocket).getPeerCertificate().raw;
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode!, body, peerSha256: createHash('sha256').update(peer).digest('hex') }),
      );
    });
    req.on('error', reject);
  });
}

describe('TLS on the gateway port', () => {
  const pool = stateDirPool();
  const stateDir = pool.make;
  afterAll(() => pool.removeAll());

  describe('with a generated certificate', () => {
    let app: TestApp;

    beforeAll(async () => {
      app = await createTestApp({ config: TLS_ON });
    });
    afterAll(() => app.close());

    it('listens on wss:// and reports the certificate fingerprint on RunningGateway', () => {
      expect(app.gateway.url).toBe(`wss://127.0.0.1:${app.port}`);
      expect(app.url).toBe(`wss://127.0.0.1:${app.port}`);
      expect(app.gateway.tlsFingerprint).toMatch(/^[0-9a-f]{64}$/);
      const certPem = fs.readFileSync(path.join(app.stateDir, 'tls', 'gateway-cert.pem'), 'utf8');
      expect(app.gateway.tlsFingerprint).toBe(sha256Of(certPem));
    });

    it('completes a wss:// handshake; the peer certificate is the one status and RunningGateway report', async () => {
      const client = await WsTestClient.connected(app.url, { auth: { token: app.token } }, { rejectUnauthorized: false });
      try {
        const status = await client.request('status');
        expect(status.ok).toBe(true);
        expect((status.payload as { tls: unknown }).tls).toEqual({
          enabled: true,
          fingerprintSha256: formatFingerprint(app.gateway.tlsFingerprint!),
        });
        expect(client.peerCertificateSha256).toBe(app.gateway.tlsFingerprint);
      } finally {
        await client.close();
      }
    });

    it('is reachable by GatewayClient pinned to the fingerprint status reports, and only by it', async () => {
      const client = { id: 'test-cli', version: '0.0.1', platform: 'linux', mode: 'cli' } as const;
      const printed = formatFingerprint(app.gateway.tlsFingerprint!);
      const pinned = new GatewayClient({ url: app.url, token: app.token, client, tlsFingerprint: printed });
      try {
        await pinned.connect();
        expect(await pinned.request('status')).toMatchObject({ tls: { enabled: true, fingerprintSha256: printed } });
      } finally {
        await pinned.stop();
      }

      const wrong = new GatewayClient({ url: app.url, token: app.token, client, tlsFingerprint: 'ab'.repeat(32) });
      await expect(wrong.connect()).rejects.toMatchObject({ kind: 'tls-mismatch' });
      await wrong.stop();
    });

    it('is refused by a client that checks certificates against the usual CAs', async () => {
      await expect(WsTestClient.open(app.url)).rejects.toThrow(/self[- ]signed certificate/);
    });

    it('answers GET https://.../healthz, verifiable with the generated certificate as the only CA', async () => {
      const ca = fs.readFileSync(path.join(app.stateDir, 'tls', 'gateway-cert.pem'));
      const res = await getHttps(`${app.httpUrl}/healthz`, { ca });
      expect(app.httpUrl).toBe(`https://127.0.0.1:${app.port}`);
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body)).toEqual({ ok: true });
      expect(res.peerSha256).toBe(app.gateway.tlsFingerprint);
    });

    it('lets the local CLI reach it over wss:// with no flags, pinning the generated certificate', async () => {
      fs.writeFileSync(path.join(app.stateDir, 'nestclaw.json'), JSON.stringify(TLS_ON));
      const run = runCli(['gateway', 'status', '--json'], {
        NESTCLAW_STATE_DIR: app.stateDir,
        NESTCLAW_GATEWAY_PORT: String(app.port),
      });
      expect((await run.exited).code).toBe(0);
      expect(JSON.parse(run.output())).toMatchObject({
        tls: { enabled: true, fingerprintSha256: formatFingerprint(app.gateway.tlsFingerprint!) },
      });
    });

    it('makes the CLI refuse a wrong pin, showing both fingerprints (exit 2)', async () => {
      const wrong = 'ab'.repeat(32);
      const run = runCli(['gateway', 'health', '--url', app.url, '--token', app.token, '--tls-fingerprint', wrong], {
        NESTCLAW_STATE_DIR: stateDir(),
      });
      expect((await run.exited).code).toBe(2);
      expect(run.output()).toContain(formatFingerprint(app.gateway.tlsFingerprint!));
      expect(run.output()).toContain(formatFingerprint(wrong));
    });

    it('fails a plain ws:// connection to the TLS port', async () => {
      // The TLS server reads the HTTP upgrade as a broken ClientHello and drops the connection.
      await expect(WsTestClient.open(`ws://127.0.0.1:${app.port}`, { awaitChallenge: false })).rejects.toThrow('socket hang up');
    });

    it('makes the CLI say "use wss://" for a plain ws:// URL to the TLS port (exit 2)', async () => {
      const run = runCli(['gateway', 'health', '--url', `ws://127.0.0.1:${app.port}`, '--token', app.token], {
        NESTCLAW_STATE_DIR: stateDir(),
      });
      expect((await run.exited).code).toBe(2);
      expect(run.output()).toContain(`use wss://127.0.0.1:${app.port}`);
    });
  });

  it('generates the certificate once and reuses it on the next start with the same state dir', async () => {
    const dir = stateDir();
    const first = await createTestApp({ config: TLS_ON, stateDir: dir });
    const fingerprint = first.gateway.tlsFingerprint;
    await first.close();

    const second = await createTestApp({ config: TLS_ON, stateDir: dir });
    try {
      expect(second.gateway.tlsFingerprint).toBe(fingerprint);
      expect(second.gateway.tlsCertificate).toEqual({
        path: path.join(dir, 'tls', 'gateway-cert.pem'),
        generated: true,
        created: false,
      });
      expect(fs.statSync(path.join(dir, 'tls')).mode & 0o777).toBe(0o700);
      expect(fs.statSync(path.join(dir, 'tls', 'gateway-key.pem')).mode & 0o777).toBe(0o600);
      expect(fs.statSync(path.join(dir, 'tls', 'gateway-cert.pem')).mode & 0o777).toBe(0o644);
    } finally {
      await second.close();
    }
  });

  it('serves the configured certPath/keyPath pair instead of generating one', async () => {
    const files = stateDir();
    const pems = await generate([{ name: 'commonName', value: 'configured.test' }], {
      keyType: 'ec',
      algorithm: 'sha256',
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
    });
    fs.writeFileSync(path.join(files, 'cert.pem'), pems.cert);
    fs.writeFileSync(path.join(files, 'key.pem'), pems.private, { mode: 0o600 });

    const app = await createTestApp({
      config: {
        gateway: { tls: { enabled: true, certPath: path.join(files, 'cert.pem'), keyPath: path.join(files, 'key.pem') } },
      },
    });
    try {
      expect(app.gateway.tlsFingerprint).toBe(sha256Of(pems.cert));
      expect(app.gateway.tlsCertificate).toEqual({ path: path.join(files, 'cert.pem'), generated: false, created: false });
      expect(fs.existsSync(path.join(app.stateDir, 'tls'))).toBe(false);
      const client = await WsTestClient.connected(app.url, { auth: { token: app.token } }, { rejectUnauthorized: false });
      expect(client.peerCertificateSha256).toBe(sha256Of(pems.cert));
      await client.close();
    } finally {
      await app.close();
    }
  });

  it('refuses to start when the certPath file is missing, naming gateway.tls.certPath', async () => {
    const dir = stateDir();
    fs.writeFileSync(path.join(dir, 'key.pem'), 'unused');
    const tls = { enabled: true, certPath: path.join(dir, 'no-such-cert.pem'), keyPath: path.join(dir, 'key.pem') };
    const attempt = createTestApp({ config: { gateway: { tls } } });
    await expect(attempt).rejects.toBeInstanceOf(StartupError);
    await expect(attempt).rejects.toThrow(/^gateway\.tls\.certPath: cannot read .*no-such-cert\.pem \(ENOENT\)/);
  });

  it('prints the fingerprint and how to pin it in the start-up banner', async () => {
    const dir = stateDir();
    fs.writeFileSync(path.join(dir, 'nestclaw.json'), '{ gateway: { tls: { enabled: true } } }');
    const port = await freePort();
    const run = runCli(['gateway', 'run', '--port', String(port)], { NESTCLAW_STATE_DIR: dir });
    try {
      await run.waitFor(`listening on wss://127.0.0.1:${port}`);
      await run.waitFor('gateway.remote.tlsFingerprint');
      const fingerprint = formatFingerprint(sha256Of(fs.readFileSync(path.join(dir, 'tls', 'gateway-cert.pem'), 'utf8')));
      expect(run.output()).toContain(`https://127.0.0.1:${port}/healthz`);
      expect(run.output()).toContain(`self-signed certificate, generated now in ${path.join(dir, 'tls', 'gateway-cert.pem')}`);
      expect(run.output()).toContain(`SHA-256 ${fingerprint}`);
      expect(run.output()).toContain(`--tls-fingerprint ${fingerprint}`);
    } finally {
      run.child.kill('SIGTERM');
    }
    expect((await run.exited).code).toBe(0);
  }, 30_000);
});
