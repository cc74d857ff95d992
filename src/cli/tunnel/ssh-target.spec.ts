import { formatSshTarget, parsePort, parseSshTarget } from './ssh-target';

describe('parseSshTarget', () => {
  it.each([
    ['me@gw.example', { user: 'me', host: 'gw.example', port: undefined, destination: 'me@gw.example' }],
    ['me@gw.example:2222', { user: 'me', host: 'gw.example', port: 2222, destination: 'me@gw.example' }],
    ['gw-alias', { user: undefined, host: 'gw-alias', port: undefined, destination: 'gw-alias' }],
    ['me@[::1]:2200', { user: 'me', host: '::1', port: 2200, destination: 'me@::1' }],
    ['first.last@corp@gw', { user: 'first.last@corp', host: 'gw', port: undefined, destination: 'first.last@corp@gw' }],
  ])('accepts %s', (text, expected) => {
    expect(parseSshTarget(text)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['', 'empty'],
    ['me@', 'no valid host'],
    ['@gw', 'empty user name'],
    ['me@gw:0', 'must be a whole number from 1 to 65535'],
    ['me@gw:ssh', 'must be a whole number'],
    ['me@gw:70000', 'must be a whole number'],
    ['me@-oProxyCommand=x', 'no valid host'],
    ['me@::1', 'in brackets'],
    ['me @gw', 'contains spaces'],
  ])('refuses %j with a message naming the problem', (text, message) => {
    const result = parseSshTarget(text);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toContain(message);
  });
});

describe('parsePort', () => {
  it.each([
    ['1', 1],
    ['65535', 65535],
    [' 18789 ', 18789],
    ['0', undefined],
    ['65536', undefined],
    ['1.5', undefined],
    ['1e3', undefined],
    ['', undefined],
  ])('%j -> %j', (text, expected) => expect(parsePort(text)).toBe(expected));
});

describe('formatSshTarget', () => {
  it('puts IPv6 hosts back in brackets', () => {
    const parsed = parseSshTarget('me@[::1]:22');
    expect(parsed.ok && formatSshTarget(parsed.value)).toBe('me@[::1]:22');
  });
});
