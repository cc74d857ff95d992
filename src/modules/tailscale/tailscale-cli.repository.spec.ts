import { parseStatus, parseWhoisLogin, TailscaleCli, TailscaleCliError } from './tailscale-cli.repository';

describe(TailscaleCli.name, () => {
  describe('whois', () => {
    it.each(['alice-laptop', '--socket=/tmp/x', '100.64.0.1; rm -rf /', ''])(
      'refuses %j without running anything',
      async (value) => {
        await expect(new TailscaleCli().whois(value)).rejects.toBeInstanceOf(TailscaleCliError);
      },
    );
  });
});

describe(parseStatus.name, () => {
  it.each<[string, object, ReturnType<typeof parseStatus>]>([
    [
      'a running node, trailing dot dropped',
      { BackendState: 'Running', Self: { DNSName: 'gateway.tail1234.ts.net.' } },
      { backendState: 'Running', dnsName: 'gateway.tail1234.ts.net' },
    ],
    ['a logged-out node', { BackendState: 'NeedsLogin', Self: { DNSName: '' } }, { backendState: 'NeedsLogin' }],
    ['no Self at all', { BackendState: 'Stopped' }, { backendState: 'Stopped' }],
    ['no BackendState', {}, { backendState: 'unknown' }],
  ])('reads %s', (_name, json, expected) => {
    expect(parseStatus(JSON.stringify(json))).toEqual(expected);
  });

  it.each(['not json', '[]', 'null'])('refuses %j', (text) => {
    expect(() => parseStatus(text)).toThrow(TailscaleCliError);
  });
});

describe(parseWhoisLogin.name, () => {
  it.each<[string, object, string | undefined]>([
    ['a user', { Node: { ID: 1 }, UserProfile: { LoginName: 'alice@example.com' } }, 'alice@example.com'],
    ['a tagged node', { Node: { Tags: ['tag:ci'] }, UserProfile: { LoginName: 'tagged-devices' } }, undefined],
    ['no user profile', { Node: { ID: 1 } }, undefined],
    ['an empty login', { UserProfile: { LoginName: '' } }, undefined],
    ['a login that is not a string', { UserProfile: { LoginName: 42 } }, undefined],
  ])('reads %s', (_name, json, expected) => {
    expect(parseWhoisLogin(JSON.stringify(json))).toBe(expected);
  });
});
