import { addressKind, AddressKind, isProxyAddress } from './address-kind';

describe(addressKind.name, () => {
  it.each<[string, AddressKind]>([
    ['127.0.0.1', 'loopback'],
    ['127.10.0.3', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.10', 'private'],
    ['fd00::2', 'private'],
    ['fd7a:115c:a1e0::1', 'private'],
    ['100.64.0.1', 'tailnet'],
    ['100.127.255.254', 'tailnet'],
    ['169.254.1.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['192.0.2.2', 'reserved'],
    ['203.0.113.9', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['224.0.0.1', 'reserved'],
    ['2001:db8::1', 'reserved'],
    ['ff02::1', 'reserved'],
    ['not-an-ip', 'reserved'],
    ['8.8.8.8', 'public'],
    ['172.32.0.1', 'public'],
    ['100.128.0.1', 'public'],
    ['::ffff:8.8.4.4', 'public'],
    ['2a01:4f8::1', 'public'],
  ])('classifies %s as %s', (address, kind) => {
    expect(addressKind(address)).toBe(kind);
  });
});

describe(isProxyAddress.name, () => {
  it.each([
    ['127.0.0.1', true],
    ['10.0.0.5', true],
    ['100.100.1.1', true],
    ['0.0.0.0', false],
    ['::', false],
    ['8.8.8.8', false],
  ])('%s → %p', (address, expected) => {
    expect(isProxyAddress(address)).toBe(expected);
  });
});
