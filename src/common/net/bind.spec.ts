import type { NetworkInterfaceInfo } from 'node:os';
import { findTailnetAddress, InterfaceTable, isLoopbackAddress, isTailnetIpv4, resolveBindHosts } from './bind';

function ipv4(address: string, internal = false): NetworkInterfaceInfo {
  return { address, family: 'IPv4', internal, netmask: '255.255.255.0', mac: '00:00:00:00:00:00', cidr: `${address}/24` };
}

function ipv6(address: string, internal = false): NetworkInterfaceInfo {
  return {
    address,
    family: 'IPv6',
    internal,
    netmask: 'ffff:ffff:ffff:ffff::',
    mac: '00:00:00:00:00:00',
    cidr: `${address}/64`,
    scopeid: 0,
  };
}

const LOOPBACK_V4_ONLY: InterfaceTable = { lo: [ipv4('127.0.0.1', true)], eth0: [ipv4('192.168.1.20')] };
const DUAL_STACK: InterfaceTable = {
  lo: [ipv4('127.0.0.1', true), ipv6('::1', true)],
  eth0: [ipv4('192.168.1.20'), ipv6('fe80::1')],
};
const WITH_TAILSCALE: InterfaceTable = {
  lo: [ipv4('127.0.0.1', true)],
  eth0: [ipv4('192.168.1.20')],
  tailscale0: [ipv6('fd7a:115c:a1e0::1'), ipv4('100.101.102.103')],
};

describe(resolveBindHosts.name, () => {
  describe('loopback', () => {
    it('listens on 127.0.0.1 and ::1 when the host has IPv6 loopback', () => {
      expect(resolveBindHosts('loopback', undefined, DUAL_STACK)).toEqual({
        ok: true,
        hosts: ['127.0.0.1', '::1'],
        loopbackOnly: true,
      });
    });

    it('listens on 127.0.0.1 only without IPv6 loopback', () => {
      expect(resolveBindHosts('loopback', undefined, LOOPBACK_V4_ONLY)).toEqual({
        ok: true,
        hosts: ['127.0.0.1'],
        loopbackOnly: true,
      });
    });

    it('does not count an IPv6 address other than ::1 as loopback', () => {
      // Arrange
      const interfaces: InterfaceTable = { lo: [ipv4('127.0.0.1', true)], eth0: [ipv6('fe80::1')] };

      // Act
      const result = resolveBindHosts('loopback', undefined, interfaces);

      // Assert
      expect(result).toEqual({ ok: true, hosts: ['127.0.0.1'], loopbackOnly: true });
    });

    it('copes with an empty table and undefined entries', () => {
      expect(resolveBindHosts('loopback', undefined, { lo: undefined })).toEqual({
        ok: true,
        hosts: ['127.0.0.1'],
        loopbackOnly: true,
      });
    });

    it('ignores a custom host', () => {
      expect(resolveBindHosts('loopback', '10.0.0.1', LOOPBACK_V4_ONLY)).toEqual({
        ok: true,
        hosts: ['127.0.0.1'],
        loopbackOnly: true,
      });
    });
  });

  describe('auto', () => {
    it('behaves like loopback', () => {
      expect(resolveBindHosts('auto', undefined, DUAL_STACK)).toEqual(resolveBindHosts('loopback', undefined, DUAL_STACK));
      expect(resolveBindHosts('auto', undefined, LOOPBACK_V4_ONLY)).toEqual({
        ok: true,
        hosts: ['127.0.0.1'],
        loopbackOnly: true,
      });
    });
  });

  describe('lan', () => {
    it('listens on every IPv4 interface', () => {
      expect(resolveBindHosts('lan', undefined, DUAL_STACK)).toEqual({ ok: true, hosts: ['0.0.0.0'], loopbackOnly: false });
    });
  });

  describe('tailnet', () => {
    it('listens on the Tailscale IPv4 address', () => {
      expect(resolveBindHosts('tailnet', undefined, WITH_TAILSCALE)).toEqual({
        ok: true,
        hosts: ['100.101.102.103'],
        loopbackOnly: false,
      });
    });

    it('fails with a fix when the host has no Tailscale address', () => {
      // Act
      const result = resolveBindHosts('tailnet', undefined, DUAL_STACK);

      // Assert
      expect(result.ok).toBe(false);
      expect(result).toEqual({
        ok: false,
        error:
          'gateway.bind is "tailnet" but this host has no Tailscale address (100.64.0.0/10): start Tailscale (`tailscale up`) or choose another bind',
      });
    });

    it('fails when 100.x addresses are outside the CGNAT range', () => {
      // Arrange
      const interfaces: InterfaceTable = { eth0: [ipv4('100.63.255.255'), ipv4('100.128.0.1')] };

      // Act
      const result = resolveBindHosts('tailnet', undefined, interfaces);

      // Assert
      expect(result.ok).toBe(false);
    });
  });

  describe('custom', () => {
    it('listens on the custom host and says it is not loopback-only', () => {
      expect(resolveBindHosts('custom', '192.168.1.20', DUAL_STACK)).toEqual({
        ok: true,
        hosts: ['192.168.1.20'],
        loopbackOnly: false,
      });
    });

    it.each([['127.0.0.2'], ['::1']])('marks the loopback custom host %s as loopback-only', (host) => {
      expect(resolveBindHosts('custom', host, DUAL_STACK)).toEqual({ ok: true, hosts: [host], loopbackOnly: true });
    });

    it.each([[undefined], ['']])('fails with a fix when customBindHost is %p', (host) => {
      expect(resolveBindHosts('custom', host, DUAL_STACK)).toEqual({
        ok: false,
        error: 'gateway.bind is "custom" but gateway.customBindHost is not set: set it to the IP address to listen on',
      });
    });
  });
});

describe(findTailnetAddress.name, () => {
  it('returns the first IPv4 address in 100.64.0.0/10', () => {
    // Arrange
    const interfaces: InterfaceTable = {
      eth0: [ipv4('100.63.0.1'), ipv4('10.0.0.1')],
      tailscale0: [ipv4('100.64.0.1')],
      other: [ipv4('100.100.0.1')],
    };

    // Act / Assert
    expect(findTailnetAddress(interfaces)).toBe('100.64.0.1');
  });

  it('skips IPv6 entries', () => {
    expect(findTailnetAddress({ tailscale0: [ipv6('fd7a:115c:a1e0::1')] })).toBeUndefined();
  });

  it('returns undefined for an empty table', () => {
    expect(findTailnetAddress({})).toBeUndefined();
  });
});

describe(isTailnetIpv4.name, () => {
  it.each<[string, boolean]>([
    ['100.63.255.255', false],
    ['100.64.0.0', true],
    ['100.64.0.1', true],
    ['100.100.100.100', true],
    ['100.127.255.255', true],
    ['100.128.0.0', false],
    ['101.64.0.1', false],
    ['10.64.0.1', false],
    ['192.168.1.1', false],
    ['not an address', false],
  ])('%s → %s', (address, expected) => {
    expect(isTailnetIpv4(address)).toBe(expected);
  });
});

describe(isLoopbackAddress.name, () => {
  it.each<[string | undefined, boolean]>([
    ['127.0.0.1', true],
    ['127.255.255.254', true],
    ['127.1.2.3', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['::ffff:127.8.9.10', true],
    ['::ffff:192.168.1.2', false],
    ['128.0.0.1', false],
    ['10.0.0.1', false],
    ['0.0.0.0', false],
    ['::', false],
    ['fe80::1', false],
    ['127.0.0.1.evil.com', false],
    ['localhost', false],
    ['', false],
    [undefined, false],
  ])('%p → %s', (address, expected) => {
    expect(isLoopbackAddress(address)).toBe(expected);
  });
});
