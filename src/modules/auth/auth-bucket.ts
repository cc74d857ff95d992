import { isIP } from 'node:net';

/** Every loopback alias (127.0.0.0/8, ::1, their IPv4-mapped forms) is one sender: the gateway host itself. */
export const LOOPBACK_BUCKET = 'loopback';

/**
 * The rate-limit bucket of a client address. Addresses one sender can switch
 * between for free share a bucket: all of loopback, and an IPv6 /64 (the
 * smallest block a host is usually given). Anything unparsable is its own
 * bucket under its literal text, which cannot collide with the forms above.
 */
export function authBucketOf(address: string): string {
  const plain = address.toLowerCase().startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
  const family = isIP(plain);
  if (family === 4) return plain.startsWith('127.') ? LOOPBACK_BUCKET : plain;
  if (family !== 6) return `other:${plain}`;
  const groups = expandIpv6(plain);
  if (groups.slice(0, 7).every((g) => g === 0) && groups[7] === 1) return LOOPBACK_BUCKET;
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address (zone id dropped, embedded IPv4 tail folded). */
function expandIpv6(address: string): number[] {
  let text = address.split('%')[0].toLowerCase();
  const v4Tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4Tail) {
    const [a, b, c, d] = v4Tail[1].split('.').map(Number);
    text = `${text.slice(0, -v4Tail[1].length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : new Array<string>(8 - headGroups.length - tailGroups.length).fill('0');
  return [...headGroups, ...zeros, ...tailGroups].map((group) => parseInt(group, 16));
}
