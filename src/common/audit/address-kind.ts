import { isIP } from 'node:net';

/**
 * What an IP address means for exposure. "reserved" covers ranges that are
 * not routed on the internet but are not a LAN either (documentation,
 * benchmarking, multicast, the future-use block).
 */
export type AddressKind = 'loopback' | 'unspecified' | 'private' | 'tailnet' | 'link-local' | 'reserved' | 'public';

export function addressKind(address: string): AddressKind {
  const plain = address.toLowerCase().replace(/%.*$/, '');
  const mapped = plain.match(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/);
  if (mapped) return ipv4Kind(mapped[1]);
  switch (isIP(plain)) {
    case 4:
      return ipv4Kind(plain);
    case 6:
      return ipv6Kind(plain);
    default:
      return 'reserved';
  }
}

function ipv4Kind(address: string): AddressKind {
  const [a, b, c] = address.split('.').map(Number);
  if (a === 0) return address === '0.0.0.0' ? 'unspecified' : 'reserved';
  if (a === 127) return 'loopback';
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return 'private';
  if (a === 100 && b >= 64 && b <= 127) return 'tailnet';
  if (a === 169 && b === 254) return 'link-local';
  const documentation =
    (a === 192 && b === 0 && c === 2) || (a === 198 && b === 51 && c === 100) || (a === 203 && b === 0 && c === 113);
  const benchmarking = a === 198 && (b === 18 || b === 19);
  const protocolAssignments = a === 192 && b === 0 && c === 0;
  if (documentation || benchmarking || protocolAssignments || a >= 224) return 'reserved';
  return 'public';
}

function ipv6Kind(address: string): AddressKind {
  if (address === '::') return 'unspecified';
  if (address === '::1') return 'loopback';
  const first = address.startsWith('::') ? 0 : parseInt(address.split(':')[0], 16);
  if ((first & 0xfe00) === 0xfc00) return 'private';
  if ((first & 0xffc0) === 0xfe80) return 'link-local';
  if ((first & 0xff00) === 0xff00) return 'reserved';
  if (first === 0x2001 && parseInt(address.split(':')[1] ?? '', 16) === 0x0db8) return 'reserved';
  // Global unicast is 2000::/3; anything else (IPv4-compatible forms, unassigned space) is not reachable from the internet.
  return (first & 0xe000) === 0x2000 ? 'public' : 'reserved';
}

/** Addresses a proxy in front of the gateway can plausibly have. */
export function isProxyAddress(address: string): boolean {
  const kind = addressKind(address);
  return kind === 'loopback' || kind === 'private' || kind === 'tailnet';
}
