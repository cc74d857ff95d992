import type { NetworkInterfaceInfo } from 'node:os';
import type { BindMode } from '../config/config.constants';

export type InterfaceTable = NodeJS.Dict<NetworkInterfaceInfo[]>;

export type BindResolution = { ok: true; hosts: string[]; loopbackOnly: boolean } | { ok: false; error: string };

/** Turns a bind mode into the addresses to listen on, using the host's interfaces. */
export function resolveBindHosts(mode: BindMode, customHost: string | undefined, interfaces: InterfaceTable): BindResolution {
  switch (mode) {
    case 'loopback':
    case 'auto':
      return { ok: true, hosts: hasIpv6Loopback(interfaces) ? ['127.0.0.1', '::1'] : ['127.0.0.1'], loopbackOnly: true };
    case 'lan':
      return { ok: true, hosts: ['0.0.0.0'], loopbackOnly: false };
    case 'tailnet': {
      const address = findTailnetAddress(interfaces);
      if (!address) {
        return {
          ok: false,
          error:
            'gateway.bind is "tailnet" but this host has no Tailscale address (100.64.0.0/10): start Tailscale (`tailscale up`) or choose another bind',
        };
      }
      return { ok: true, hosts: [address], loopbackOnly: false };
    }
    case 'custom':
      if (!customHost) {
        return {
          ok: false,
          error: 'gateway.bind is "custom" but gateway.customBindHost is not set: set it to the IP address to listen on',
        };
      }
      return { ok: true, hosts: [customHost], loopbackOnly: isLoopbackAddress(customHost) };
  }
}

export function findTailnetAddress(interfaces: InterfaceTable): string | undefined {
  for (const entries of Object.values(interfaces)) {
    for (const entry of entries ?? []) {
      if (entry.family === 'IPv4' && isTailnetIpv4(entry.address)) return entry.address;
    }
  }
  return undefined;
}

/** Tailscale hands out addresses from the CGNAT range 100.64.0.0/10. */
export function isTailnetIpv4(address: string): boolean {
  const [a, b] = address.split('.').map(Number);
  return a === 100 && b >= 64 && b <= 127;
}

export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const plain = address.startsWith('::ffff:') ? address.slice(7) : address;
  return plain === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(plain);
}

function hasIpv6Loopback(interfaces: InterfaceTable): boolean {
  return Object.values(interfaces).some((entries) => entries?.some((e) => e.family === 'IPv6' && e.address === '::1'));
}
