import { resolveTunnelSettings, TunnelSettingsInput } from './tunnel-settings';

const input = (overrides: Partial<TunnelSettingsInput> = {}): TunnelSettingsInput => ({
  targetArg: 'me@gw',
  flags: {},
  config: { configPath: '/home/me/.nestclaw/nestclaw.json' },
  homeDir: '/home/me',
  cwd: '/work',
  fileExists: () => true,
  ...overrides,
});

describe('resolveTunnelSettings', () => {
  it('defaults both ports to 18789', () => {
    expect(resolveTunnelSettings(input())).toEqual({
      ok: true,
      spec: {
        target: { user: 'me', host: 'gw', port: undefined, destination: 'me@gw' },
        localPort: 18789,
        remotePort: 18789,
        identity: undefined,
        sshOptions: [],
      },
    });
  });

  it('takes target, identity and remote port from the config when no flag is given', () => {
    const result = resolveTunnelSettings(
      input({
        targetArg: undefined,
        config: { configPath: 'cfg', sshTarget: 'ops@gw:2222', sshIdentity: '~/.ssh/id_gw', gatewayPort: 19000 },
      }),
    );
    expect(result).toMatchObject({
      ok: true,
      spec: {
        target: { user: 'ops', host: 'gw', port: 2222 },
        identity: '/home/me/.ssh/id_gw',
        localPort: 18789,
        remotePort: 19000,
      },
    });
  });

  it('lets flags win over the config', () => {
    const result = resolveTunnelSettings(
      input({
        flags: { identity: 'keys/id', localPort: '4000', remotePort: '4001', sshOption: ['StrictHostKeyChecking=accept-new'] },
        config: { configPath: 'cfg', sshTarget: 'ops@other', sshIdentity: '/x', gatewayPort: 19000 },
      }),
    );
    expect(result).toMatchObject({
      ok: true,
      spec: {
        target: { host: 'gw' },
        identity: '/work/keys/id',
        localPort: 4000,
        remotePort: 4001,
        sshOptions: ['StrictHostKeyChecking=accept-new'],
      },
    });
  });

  it.each<[string, Partial<TunnelSettingsInput>, RegExp]>([
    [
      'no target',
      { targetArg: undefined },
      /no SSH target: .*nestclaw tunnel ssh me@gateway-host.*gateway\.remote\.sshTarget in \/home\/me\/\.nestclaw\/nestclaw\.json/,
    ],
    [
      'a bad target in the config',
      { targetArg: undefined, config: { configPath: 'cfg', sshTarget: 'me@gw:x' } },
      /^gateway\.remote\.sshTarget in cfg: .*port/,
    ],
    [
      'a bad local port',
      { flags: { localPort: '70000' } },
      /--local-port must be a whole number from 1 to 65535 \(got "70000"\)/,
    ],
    ['a bad remote port', { flags: { remotePort: 'http' } }, /--remote-port must be a whole number/],
    ['a refused ssh option', { flags: { sshOption: ['BatchMode=no'] } }, /BatchMode cannot be changed/],
    [
      'a missing identity file',
      { flags: { identity: '~/.ssh/nope' }, fileExists: () => false },
      /identity file \/home\/me\/\.ssh\/nope \(from --identity\) does not exist/,
    ],
  ])('refuses %s with a message saying how to fix it', (_name, overrides, message) => {
    const result = resolveTunnelSettings(input(overrides));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(message);
  });
});
