import {
  hasForwardingHeaders,
  headerValue,
  hostnameOf,
  isLocalHostHeader,
  isLocalRequest,
  isTrustedProxy,
  resolveClientAddress,
  UpgradeRequestInfo,
} from './client-address';

function request(peerAddress: string | undefined, headers: UpgradeRequestInfo['headers'] = {}): UpgradeRequestInfo {
  return { peerAddress, headers };
}

describe(isLocalRequest.name, () => {
  const NO_PROXIES: readonly string[] = [];

  it.each<[string, UpgradeRequestInfo, readonly string[], boolean]>([
    ['loopback peer, Host localhost', request('127.0.0.1', { host: 'localhost' }), NO_PROXIES, true],
    ['loopback peer, Host localhost:18789', request('127.0.0.1', { host: 'localhost:18789' }), NO_PROXIES, true],
    ['loopback peer, Host LOCALHOST (case)', request('127.0.0.1', { host: 'LOCALHOST:1' }), NO_PROXIES, true],
    ['loopback peer, Host 127.0.0.1:18789', request('127.0.0.1', { host: '127.0.0.1:18789' }), NO_PROXIES, true],
    ['IPv6 loopback peer, Host [::1]:18789', request('::1', { host: '[::1]:18789' }), NO_PROXIES, true],
    ['mapped loopback peer, Host [::1]', request('::ffff:127.0.0.1', { host: '[::1]' }), NO_PROXIES, true],
    ['loopback peer, Host x.ts.net', request('127.0.0.1', { host: 'box.tail1234.ts.net' }), NO_PROXIES, true],
    ['loopback peer, Host x.ts.net:443', request('127.0.0.1', { host: 'box.tail1234.ts.net:443' }), NO_PROXIES, true],
    ['loopback peer, Host as an array', request('127.0.0.1', { host: ['localhost', 'evil.com'] }), NO_PROXIES, true],
    ['remote peer with Host localhost', request('192.168.1.9', { host: 'localhost' }), NO_PROXIES, false],
    ['remote mapped peer', request('::ffff:10.0.0.2', { host: 'localhost' }), NO_PROXIES, false],
    ['unknown peer', request(undefined, { host: 'localhost' }), NO_PROXIES, false],
    ['loopback peer, foreign Host header', request('127.0.0.1', { host: 'evil.example.com' }), NO_PROXIES, false],
    ['loopback peer, foreign Host with port', request('127.0.0.1', { host: 'evil.example.com:18789' }), NO_PROXIES, false],
    ['loopback peer, LAN IP Host', request('127.0.0.1', { host: '192.168.1.9:18789' }), NO_PROXIES, false],
    ['loopback peer, look-alike ts.net Host', request('127.0.0.1', { host: 'ts.net.evil.com' }), NO_PROXIES, false],
    ['loopback peer, no Host header', request('127.0.0.1', {}), NO_PROXIES, false],
    ['loopback peer, empty Host header', request('127.0.0.1', { host: '' }), NO_PROXIES, false],
  ])('%s → %s', (_name, req, proxies, expected) => {
    expect(isLocalRequest(req, proxies)).toBe(expected);
  });

  describe('forwarding headers', () => {
    it.each([
      ['x-real-ip', { 'x-real-ip': '203.0.113.7' }],
      ['forwarded', { forwarded: 'for=203.0.113.7' }],
      ['x-forwarded-proto alone', { 'x-forwarded-proto': 'https' }],
    ])('is never local when a trusted proxy forwards without X-Forwarded-For (%s)', (_label, headers) => {
      // Arrange
      const req = request('127.0.0.1', { host: '127.0.0.1:18789', ...headers });

      // Act / Assert
      expect(isLocalRequest(req, ['127.0.0.1'])).toBe(false);
    });

    it.each([
      ['x-forwarded-for', '127.0.0.1'],
      ['x-forwarded-proto', 'https'],
      ['x-forwarded-host', 'localhost'],
      ['x-real-ip', '127.0.0.1'],
      ['forwarded', 'for=127.0.0.1'],
    ])('makes a loopback peer remote when an untrusted peer sends %s', (header, value) => {
      // Arrange
      const req = request('127.0.0.1', { host: 'localhost', [header]: value });

      // Act / Assert
      expect(isLocalRequest(req, [])).toBe(false);
    });

    it('makes a loopback peer remote when the trusted proxy list names another address', () => {
      // Arrange
      const req = request('127.0.0.1', { host: 'localhost', 'x-forwarded-for': '127.0.0.1' });

      // Act / Assert
      expect(isLocalRequest(req, ['10.0.0.1'])).toBe(false);
    });

    it('is local when a trusted proxy forwards for a loopback client', () => {
      // Arrange
      const req = request('127.0.0.1', { host: 'localhost', 'x-forwarded-for': '127.0.0.1', 'x-forwarded-proto': 'https' });

      // Act / Assert
      expect(isLocalRequest(req, ['127.0.0.1'])).toBe(true);
    });

    it('is local when a trusted mapped-IPv6 proxy forwards for a loopback client', () => {
      // Arrange
      const req = request('::ffff:127.0.0.1', { host: 'box.tail1.ts.net', 'x-forwarded-for': '::1' });

      // Act / Assert
      expect(isLocalRequest(req, ['127.0.0.1'])).toBe(true);
    });

    it('is not local when a trusted proxy forwards for a remote client', () => {
      // Arrange
      const req = request('127.0.0.1', { host: 'localhost', 'x-forwarded-for': '203.0.113.7' });

      // Act / Assert
      expect(isLocalRequest(req, ['127.0.0.1'])).toBe(false);
    });

    it('is not local when the remote client hides behind a spoofed loopback hop', () => {
      // Arrange: the client wrote "127.0.0.1" itself; the proxy appended the real address.
      const req = request('127.0.0.1', { host: 'localhost', 'x-forwarded-for': '127.0.0.1, 203.0.113.7' });

      // Act / Assert
      expect(isLocalRequest(req, ['127.0.0.1'])).toBe(false);
    });

    it('still requires a local Host header behind a trusted proxy', () => {
      // Arrange
      const req = request('127.0.0.1', { host: 'evil.example.com', 'x-forwarded-for': '127.0.0.1' });

      // Act / Assert
      expect(isLocalRequest(req, ['127.0.0.1'])).toBe(false);
    });
  });
});

describe(resolveClientAddress.name, () => {
  it('returns the peer when it is not a trusted proxy, ignoring X-Forwarded-For', () => {
    // Arrange
    const req = request('198.51.100.4', { 'x-forwarded-for': '127.0.0.1' });

    // Act / Assert
    expect(resolveClientAddress(req, ['10.0.0.1'])).toBe('198.51.100.4');
  });

  it('strips the IPv4-mapped prefix from the peer', () => {
    expect(resolveClientAddress(request('::ffff:198.51.100.4'), [])).toBe('198.51.100.4');
  });

  it('returns "unknown" when the peer address is missing', () => {
    expect(resolveClientAddress(request(undefined), [])).toBe('unknown');
  });

  it('returns the trusted peer when it sent no X-Forwarded-For', () => {
    expect(resolveClientAddress(request('10.0.0.1'), ['10.0.0.1'])).toBe('10.0.0.1');
  });

  it('returns the trusted peer when X-Forwarded-For is empty', () => {
    expect(resolveClientAddress(request('10.0.0.1', { 'x-forwarded-for': ' , ' }), ['10.0.0.1'])).toBe('10.0.0.1');
  });

  it('takes the single hop a trusted proxy reports', () => {
    expect(resolveClientAddress(request('10.0.0.1', { 'x-forwarded-for': '203.0.113.7' }), ['10.0.0.1'])).toBe('203.0.113.7');
  });

  it('takes the rightmost hop that is not itself a trusted proxy', () => {
    // Arrange: client-written spoof, real client, then a second trusted proxy.
    const req = request('10.0.0.1', { 'x-forwarded-for': '1.1.1.1, 203.0.113.7, 10.0.0.2' });

    // Act / Assert
    expect(resolveClientAddress(req, ['10.0.0.1', '10.0.0.2'])).toBe('203.0.113.7');
  });

  it('returns the leftmost hop when every hop is trusted', () => {
    // Arrange
    const req = request('10.0.0.1', { 'x-forwarded-for': '10.0.0.3, 10.0.0.2' });

    // Act / Assert
    expect(resolveClientAddress(req, ['10.0.0.1', '10.0.0.2', '10.0.0.3'])).toBe('10.0.0.3');
  });

  it('normalizes mapped addresses in the hops and in the trust check', () => {
    // Arrange
    const req = request('::ffff:10.0.0.1', { 'x-forwarded-for': '::ffff:203.0.113.7,::ffff:10.0.0.2' });

    // Act / Assert
    expect(resolveClientAddress(req, ['10.0.0.1', '10.0.0.2'])).toBe('203.0.113.7');
  });

  it('reads the first value when the header arrives as an array', () => {
    // Arrange
    const req = request('10.0.0.1', { 'x-forwarded-for': ['203.0.113.7', '198.51.100.1'] });

    // Act / Assert
    expect(resolveClientAddress(req, ['10.0.0.1'])).toBe('203.0.113.7');
  });
});

describe(isTrustedProxy.name, () => {
  it.each<[string | undefined, readonly string[], boolean]>([
    ['10.0.0.1', ['10.0.0.1'], true],
    ['::ffff:10.0.0.1', ['10.0.0.1'], true],
    ['10.0.0.2', ['10.0.0.1'], false],
    ['10.0.0.1', [], false],
    [undefined, ['10.0.0.1'], false],
  ])('%p in %p → %s', (address, proxies, expected) => {
    expect(isTrustedProxy(address, proxies)).toBe(expected);
  });
});

describe(hasForwardingHeaders.name, () => {
  it('is false without proxy headers', () => {
    expect(hasForwardingHeaders(request('127.0.0.1', { host: 'localhost', 'user-agent': 'x' }))).toBe(false);
  });

  it('is true even for an empty forwarding header', () => {
    expect(hasForwardingHeaders(request('127.0.0.1', { 'x-forwarded-for': '' }))).toBe(true);
  });
});

describe(isLocalHostHeader.name, () => {
  it.each<[string | undefined, boolean]>([
    ['localhost', true],
    ['127.0.0.1:80', true],
    ['[::1]:443', true],
    ['::1', true],
    ['a.b.ts.net', true],
    ['ts.net', false],
    ['127.0.0.2', false],
    ['localhost.evil.com', false],
    [undefined, false],
  ])('%p → %s', (host, expected) => {
    expect(isLocalHostHeader(host)).toBe(expected);
  });
});

describe(hostnameOf.name, () => {
  it.each<[string, string]>([
    ['localhost', 'localhost'],
    ['localhost:18789', 'localhost'],
    ['127.0.0.1:8080', '127.0.0.1'],
    ['[::1]', '::1'],
    ['[::1]:18789', '::1'],
    ['[fe80::1%eth0]:80', 'fe80::1%eth0'],
    ['::1', '::1'],
    ['fe80::1', 'fe80::1'],
    ['[::1', '[::1'],
    ['box.tail.ts.net:443', 'box.tail.ts.net'],
    ['', ''],
  ])('%p → %p', (host, expected) => {
    expect(hostnameOf(host)).toBe(expected);
  });
});

describe(headerValue.name, () => {
  it.each<[string | string[] | undefined, string | undefined]>([
    ['a', 'a'],
    [['a', 'b'], 'a'],
    [[], undefined],
    [undefined, undefined],
  ])('%p → %p', (value, expected) => {
    expect(headerValue(value)).toBe(expected);
  });
});
