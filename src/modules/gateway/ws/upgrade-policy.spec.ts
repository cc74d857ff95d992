import type { IncomingMessage } from 'node:http';
import { checkUpgrade, isServedHost, servedHostPolicy, UpgradePolicy } from './upgrade-policy';

const policy: UpgradePolicy = servedHostPolicy({
  bindHosts: ['127.0.0.1', 'gw.lan'],
  hostName: 'homebox',
  tailscaleMode: 'off',
  allowedOrigins: ['https://ui.example.org'],
  allowedHosts: ['Gateway.Example.com', 'https://proxy.example.net/'],
});

function upgradeRequest(headers: Record<string, string>, url = '/'): IncomingMessage {
  return { url, headers } as unknown as IncomingMessage;
}

describe('servedHostPolicy / isServedHost', () => {
  it.each([
    ['localhost:18789', true],
    ['127.0.0.1:18789', true],
    ['[::1]:18789', true],
    ['192.0.2.10', true],
    ['homebox:18789', true],
    ['HOMEBOX.local', true],
    ['gw.lan', true],
    ['gateway.example.com', true],
    ['proxy.example.net', true],
    ['ui.example.org', true],
    ['gateway.example.com.', true],
    ['rebind.attacker.example:18789', false],
    ['localhost.attacker.example', false],
    ['box.tail1234.ts.net', false],
    ['', false],
  ])('%s → %s', (host, served) => {
    expect(isServedHost(host, policy)).toBe(served);
  });

  it('serves *.ts.net names only under Tailscale', () => {
    const tailnet = servedHostPolicy({
      bindHosts: [],
      hostName: 'h',
      tailscaleMode: 'serve',
      allowedOrigins: [],
      allowedHosts: [],
    });
    expect(isServedHost('box.tail1234.ts.net', tailnet)).toBe(true);
  });

  it('refuses a missing Host', () => {
    expect(isServedHost(undefined, policy)).toBe(false);
  });
});

describe('checkUpgrade', () => {
  it('refuses a DNS-rebinding request with 403 naming the fix, even when Origin matches Host', () => {
    // Act
    const verdict = checkUpgrade(upgradeRequest({ host: 'evil.example:18789', origin: 'http://evil.example:18789' }), policy);

    // Assert
    expect(verdict).toEqual({
      ok: false,
      status: 403,
      message: expect.stringContaining('add it to gateway.allowedHosts'),
    });
  });

  it('keeps a refused name printable and short in the message', () => {
    const verdict = checkUpgrade(upgradeRequest({ host: `x\u0007${'a'.repeat(500)}` }), policy);
    expect(verdict.ok).toBe(false);
    if (verdict.ok) return;
    expect(verdict.message).not.toContain('\u0007');
    expect(verdict.message.length).toBeLessThan(300);
  });

  it('still checks the Origin on a served Host', () => {
    const verdict = checkUpgrade(upgradeRequest({ host: 'localhost:18789', origin: 'https://other.example' }), policy);
    expect(verdict).toMatchObject({ ok: false, status: 403, message: expect.stringContaining('allowedOrigins') });
  });

  it('accepts the gateway’s own page', () => {
    expect(checkUpgrade(upgradeRequest({ host: 'localhost:18789', origin: 'http://localhost:18789' }), policy)).toEqual({
      ok: true,
    });
  });
});
