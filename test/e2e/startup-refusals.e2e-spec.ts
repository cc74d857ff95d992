import { StartupError } from '../../src/main';
import { createTestApp } from '../support/test-app';

describe('start-up refusals', () => {
  it.each([
    [
      'a LAN bind with only a generated token',
      { gateway: { bind: 'lan' } },
      /refusing to listen on 0\.0\.0\.0 .*gateway\.auth\.token/,
    ],
    [
      'a LAN bind with a placeholder token',
      { gateway: { bind: 'lan', auth: { token: 'abc' } } },
      /refusing to expose the gateway \(bind "lan"\) with a token of 3 characters \(from gateway\.auth\.token\): an exposed gateway needs at least 16\. Generate one with `openssl rand -hex 32`/,
    ],
    [
      'Funnel with a short password',
      { gateway: { auth: { mode: 'password', password: 'short-pass' }, tailscale: { mode: 'funnel' } } },
      /refusing to expose the gateway \(Tailscale Funnel\) with a password of 10 characters/,
    ],
    ['a custom bind without a host', { gateway: { bind: 'custom' } }, /gateway\.customBindHost is not set/],
    [
      'TLS with a certificate but no key',
      { gateway: { tls: { enabled: true, certPath: 'cert.pem' } } },
      /gateway\.tls\.certPath is set but gateway\.tls\.keyPath is not: set both/,
    ],
    [
      'Tailscale Funnel without password auth',
      { gateway: { tailscale: { mode: 'funnel' } } },
      /gateway\.tailscale\.mode "funnel" .* requires password auth/,
    ],
  ])('refuses %s with a message naming the fix', async (_label, config, message) => {
    const attempt = createTestApp({ config });
    await expect(attempt).rejects.toBeInstanceOf(StartupError);
    await expect(attempt).rejects.toThrow(message);
  });

  it('starts on a LAN-style custom loopback host with only a generated token', async () => {
    const app = await createTestApp({ config: { gateway: { bind: 'custom', customBindHost: '127.0.0.1' } } });
    expect(app.gateway.hosts).toEqual(['127.0.0.1']);
    await app.close();
  });
});
