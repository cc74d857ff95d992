import type { UpgradeRequestInfo } from '../../common/net';
import { readTailscaleClaim } from './tailscale-identity';

const SERVE_HEADERS = {
  host: 'gateway.tail1234.ts.net',
  'x-forwarded-for': '100.101.102.103',
  'x-forwarded-proto': 'https',
  'x-forwarded-host': 'gateway.tail1234.ts.net',
  'tailscale-user-login': 'alice@example.com',
};

function request(peerAddress: string | undefined, headers: UpgradeRequestInfo['headers'] = SERVE_HEADERS): UpgradeRequestInfo {
  return { peerAddress, headers };
}

function without(name: keyof typeof SERVE_HEADERS): UpgradeRequestInfo['headers'] {
  const { [name]: _dropped, ...rest } = SERVE_HEADERS;
  return rest;
}

describe(readTailscaleClaim.name, () => {
  it.each<[string, UpgradeRequestInfo]>([
    ['IPv4 loopback', request('127.0.0.1')],
    ['IPv6 loopback', request('::1')],
    ['IPv4-mapped loopback', request('::ffff:127.0.0.1')],
  ])('reads the claim of Serve headers from %s', (_name, req) => {
    expect(readTailscaleClaim(req)).toEqual({ login: 'alice@example.com', clientIp: '100.101.102.103' });
  });

  it.each<[string, UpgradeRequestInfo]>([
    ['a LAN peer', request('192.168.1.20')],
    ['a tailnet peer talking to the gateway directly', request('100.101.102.103')],
    ['a public peer', request('203.0.113.9')],
    ['an IPv6 peer', request('2001:db8::1')],
    ['an unknown peer', request(undefined)],
  ])('ignores spoofed Serve headers from %s', (_name, req) => {
    expect(readTailscaleClaim(req)).toBeUndefined();
  });

  it.each<[string, UpgradeRequestInfo['headers']]>([
    ['x-forwarded-for', without('x-forwarded-for')],
    ['x-forwarded-proto', without('x-forwarded-proto')],
    ['x-forwarded-host', without('x-forwarded-host')],
    ['tailscale-user-login (Funnel traffic)', without('tailscale-user-login')],
  ])('makes no claim without %s', (_name, headers) => {
    expect(readTailscaleClaim(request('127.0.0.1', headers))).toBeUndefined();
  });

  it.each<[string, Record<string, string | string[]>, ReturnType<typeof readTailscaleClaim>]>([
    ['an empty login', { 'tailscale-user-login': '  ' }, undefined],
    ['a forwarded-for that is not an IP', { 'x-forwarded-for': 'alice-laptop' }, undefined],
    ['a forwarded-for that looks like an option', { 'x-forwarded-for': '--socket=/tmp/x' }, undefined],
    [
      'an IPv6 tailnet client',
      { 'x-forwarded-for': 'fd7a:115c:a1e0::5' },
      { login: 'alice@example.com', clientIp: 'fd7a:115c:a1e0::5' },
    ],
    [
      'several hops: the last one, which Serve appended',
      { 'x-forwarded-for': '100.64.0.9, 100.101.102.103' },
      { login: 'alice@example.com', clientIp: '100.101.102.103' },
    ],
    [
      'a repeated login header: the first',
      { 'tailscale-user-login': ['alice@example.com', 'bob@example.com'] },
      { login: 'alice@example.com', clientIp: '100.101.102.103' },
    ],
  ])('handles %s', (_name, overrides, expected) => {
    expect(readTailscaleClaim(request('127.0.0.1', { ...SERVE_HEADERS, ...overrides }))).toEqual(expected);
  });
});
