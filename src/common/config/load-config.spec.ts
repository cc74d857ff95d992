import * as path from 'node:path';
import { DEFAULT_GATEWAY_PORT, DEFAULT_LIMITS } from '../protocol/constants';
import { ConfigError } from './config-error';
import { CliOverrides, loadConfig, LoadConfigInput, parseConfigText, ResolvedConfig } from './load-config';

const HOME = '/home/tester';
const DEFAULT_CONFIG_PATH = path.join(HOME, '.nestclaw', 'nestclaw.json');

interface Fixture {
  file?: string;
  env?: Record<string, string | undefined>;
  overrides?: CliOverrides;
  homeDir?: string;
}

function load(fixture: Fixture = {}): { config: ResolvedConfig; readFile: jest.Mock } {
  const readFile = jest.fn((_filePath: string) => fixture.file);
  const input: LoadConfigInput = {
    env: fixture.env ?? {},
    homeDir: fixture.homeDir ?? HOME,
    readFile,
    overrides: fixture.overrides,
  };
  return { config: loadConfig(input), readFile };
}

function configError(fixture: Fixture): ConfigError {
  try {
    load(fixture);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected loadConfig to throw a ConfigError');
}

const fileWith = (gateway: object) => JSON.stringify({ gateway });

describe(loadConfig.name, () => {
  describe('paths', () => {
    it('reads ~/.nestclaw/nestclaw.json by default', () => {
      // Act
      const { config, readFile } = load();

      // Assert
      expect(readFile).toHaveBeenCalledTimes(1);
      expect(readFile).toHaveBeenCalledWith(DEFAULT_CONFIG_PATH);
      expect(config.configPath).toBe(DEFAULT_CONFIG_PATH);
      expect(config.stateDir).toBe(path.join(HOME, '.nestclaw'));
    });

    it('reports whether the file was found', () => {
      // Act
      const missing = load({ file: undefined }).config;
      const present = load({ file: '{}' }).config;

      // Assert
      expect(missing.configFileFound).toBe(false);
      expect(present.configFileFound).toBe(true);
    });

    it('puts the config file inside NESTCLAW_STATE_DIR', () => {
      // Act
      const { config, readFile } = load({ env: { NESTCLAW_STATE_DIR: '/srv/claw' } });

      // Assert
      expect(config.stateDir).toBe('/srv/claw');
      expect(config.configPath).toBe('/srv/claw/nestclaw.json');
      expect(readFile).toHaveBeenCalledWith('/srv/claw/nestclaw.json');
    });

    it('reads NESTCLAW_CONFIG_PATH instead of the state-dir file', () => {
      // Act
      const { config, readFile } = load({
        env: { NESTCLAW_STATE_DIR: '/srv/claw', NESTCLAW_CONFIG_PATH: '/etc/nestclaw/gw.json5' },
      });

      // Assert
      expect(config.stateDir).toBe('/srv/claw');
      expect(config.configPath).toBe('/etc/nestclaw/gw.json5');
      expect(readFile).toHaveBeenCalledWith('/etc/nestclaw/gw.json5');
    });

    it('expands ~/ in NESTCLAW_STATE_DIR and NESTCLAW_CONFIG_PATH against the injected home', () => {
      // Act
      const { config } = load({
        env: { NESTCLAW_STATE_DIR: '~/state', NESTCLAW_CONFIG_PATH: '~/conf/claw.json' },
        homeDir: '/users/zoe',
      });

      // Assert
      expect(config.stateDir).toBe('/users/zoe/state');
      expect(config.configPath).toBe('/users/zoe/conf/claw.json');
    });

    it('expands a bare ~ to the home directory', () => {
      // Act
      const { config } = load({ env: { NESTCLAW_STATE_DIR: '~' }, homeDir: '/users/zoe' });

      // Assert
      expect(config.stateDir).toBe('/users/zoe');
      expect(config.configPath).toBe('/users/zoe/nestclaw.json');
    });

    it('does not treat ~user as the home directory', () => {
      // Act
      const { config } = load({ env: { NESTCLAW_STATE_DIR: '~other/state' }, homeDir: '/users/zoe' });

      // Assert
      expect(config.stateDir).toBe(path.resolve('~other/state'));
    });

    it('makes a relative path absolute', () => {
      // Act
      const { config } = load({ env: { NESTCLAW_CONFIG_PATH: 'relative/claw.json' } });

      // Assert
      expect(path.isAbsolute(config.configPath)).toBe(true);
      expect(config.configPath).toBe(path.resolve('relative/claw.json'));
    });

    it('ignores an empty NESTCLAW_STATE_DIR', () => {
      // Act
      const { config } = load({ env: { NESTCLAW_STATE_DIR: '' } });

      // Assert
      expect(config.stateDir).toBe(path.join(HOME, '.nestclaw'));
    });
  });

  describe('port', () => {
    const env = { NESTCLAW_GATEWAY_PORT: '2002', OPENCLAW_GATEWAY_PORT: '3003' };
    const file = fileWith({ port: 4004 });

    it.each<[string, Fixture, number, string]>([
      ['--port over everything', { overrides: { port: 1001 }, env, file }, 1001, '--port'],
      ['--port given as a string', { overrides: { port: '1001' }, env, file }, 1001, '--port'],
      ['NESTCLAW_GATEWAY_PORT over OPENCLAW and file', { env, file }, 2002, 'NESTCLAW_GATEWAY_PORT'],
      ['OPENCLAW_GATEWAY_PORT over file', { env: { OPENCLAW_GATEWAY_PORT: '3003' }, file }, 3003, 'OPENCLAW_GATEWAY_PORT'],
      ['gateway.port from the file', { file }, 4004, 'gateway.port'],
      ['the default when nothing is set', {}, DEFAULT_GATEWAY_PORT, 'default'],
      [
        'an empty env value is skipped',
        { env: { NESTCLAW_GATEWAY_PORT: '', OPENCLAW_GATEWAY_PORT: '3003' } },
        3003,
        'OPENCLAW_GATEWAY_PORT',
      ],
      ['an empty --port is skipped', { overrides: { port: '' }, file }, 4004, 'gateway.port'],
    ])('takes %s', (_name, fixture, port, source) => {
      // Act
      const { config } = load(fixture);

      // Assert
      expect(config.gateway.port).toBe(port);
      expect(config.gateway.portSource).toBe(source);
    });

    it('defaults to 18789', () => {
      expect(load().config.gateway.port).toBe(18789);
    });

    it.each<[string, Fixture, string]>([
      ['a non-numeric env port', { env: { NESTCLAW_GATEWAY_PORT: 'eighty' } }, 'NESTCLAW_GATEWAY_PORT'],
      ['a zero --port', { overrides: { port: 0 } }, '--port'],
      ['a --port above 65535', { overrides: { port: 65536 } }, '--port'],
      ['a fractional OPENCLAW port', { env: { OPENCLAW_GATEWAY_PORT: '80.5' } }, 'OPENCLAW_GATEWAY_PORT'],
    ])('refuses %s and names its source', (_name, fixture, source) => {
      // Act
      const error = configError(fixture);

      // Assert
      expect(error.source).toBe('flags and environment');
      expect(error.problems).toHaveLength(1);
      expect(error.problems[0]).toMatch(new RegExp(`^${source.replace(/-/g, '\\-')}: must be a whole number from 1 to 65535`));
    });

    it('does not fall back to a lower-precedence port when the winning one is invalid', () => {
      // Act
      const error = configError({ overrides: { port: 'x' }, env: { NESTCLAW_GATEWAY_PORT: '2002' } });

      // Assert
      expect(error.problems[0]).toContain('--port');
      expect(error.problems[0]).toContain('"x"');
    });

    it('refuses a gateway.port outside 1..65535 in the file', () => {
      // Act
      const error = configError({ file: fileWith({ port: 70000 }) });

      // Assert
      expect(error.source).toBe(DEFAULT_CONFIG_PATH);
      expect(error.problems.join('\n')).toContain('gateway.port');
      expect(error.problems.join('\n')).toContain('70000');
    });
  });

  describe('bind', () => {
    it('defaults to loopback', () => {
      expect(load().config.gateway.bind).toBe('loopback');
    });

    it('takes gateway.bind from the file', () => {
      expect(load({ file: fileWith({ bind: 'lan' }) }).config.gateway.bind).toBe('lan');
    });

    it('lets --bind win over the file', () => {
      expect(load({ file: fileWith({ bind: 'lan' }), overrides: { bind: 'tailnet' } }).config.gateway.bind).toBe('tailnet');
    });

    it('takes NESTCLAW_GATEWAY_BIND over the file', () => {
      const { config } = load({ file: fileWith({ bind: 'loopback' }), env: { NESTCLAW_GATEWAY_BIND: 'lan' } });
      expect(config.gateway.bind).toBe('lan');
    });

    it('accepts OPENCLAW_GATEWAY_BIND when NESTCLAW_GATEWAY_BIND is not set', () => {
      expect(load({ env: { OPENCLAW_GATEWAY_BIND: 'tailnet' } }).config.gateway.bind).toBe('tailnet');
      expect(load({ env: { NESTCLAW_GATEWAY_BIND: 'lan', OPENCLAW_GATEWAY_BIND: 'tailnet' } }).config.gateway.bind).toBe('lan');
    });

    it('lets --bind win over NESTCLAW_GATEWAY_BIND', () => {
      const { config } = load({ env: { NESTCLAW_GATEWAY_BIND: 'lan' }, overrides: { bind: 'loopback' } });
      expect(config.gateway.bind).toBe('loopback');
    });

    it('ignores an empty NESTCLAW_GATEWAY_BIND', () => {
      expect(load({ file: fileWith({ bind: 'lan' }), env: { NESTCLAW_GATEWAY_BIND: '' } }).config.gateway.bind).toBe('lan');
    });

    it('refuses an unknown NESTCLAW_GATEWAY_BIND, naming the variable and the modes', () => {
      // Act
      const error = configError({ env: { NESTCLAW_GATEWAY_BIND: 'public' } });

      // Assert
      expect(error.problems).toEqual([
        'NESTCLAW_GATEWAY_BIND: must be one of loopback, lan, tailnet, auto, custom (got "public")',
      ]);
    });

    it('refuses an unknown --bind and lists the modes', () => {
      // Act
      const error = configError({ overrides: { bind: 'everywhere' } });

      // Assert
      expect(error.problems).toEqual(['--bind: must be one of loopback, lan, tailnet, auto, custom (got "everywhere")']);
    });
  });

  describe('auth', () => {
    const allTokens: Fixture = {
      overrides: { token: 'tok-flag' },
      env: { NESTCLAW_GATEWAY_TOKEN: 'tok-nest', OPENCLAW_GATEWAY_TOKEN: 'tok-open' },
      file: fileWith({ auth: { token: 'tok-file' } }),
    };

    it.each<[string, Fixture, string, string]>([
      ['the flag', allTokens, 'tok-flag', 'flag'],
      ['NESTCLAW_GATEWAY_TOKEN', { ...allTokens, overrides: {} }, 'tok-nest', 'env:NESTCLAW_GATEWAY_TOKEN'],
      [
        'OPENCLAW_GATEWAY_TOKEN',
        { ...allTokens, overrides: {}, env: { OPENCLAW_GATEWAY_TOKEN: 'tok-open' } },
        'tok-open',
        'env:OPENCLAW_GATEWAY_TOKEN',
      ],
      ['the config file', { file: allTokens.file }, 'tok-file', 'config'],
      [
        'the next source when a higher one is empty',
        { ...allTokens, overrides: { token: '' }, env: { NESTCLAW_GATEWAY_TOKEN: '', OPENCLAW_GATEWAY_TOKEN: 'tok-open' } },
        'tok-open',
        'env:OPENCLAW_GATEWAY_TOKEN',
      ],
    ])('takes the token from %s', (_name, fixture, token, source) => {
      // Act
      const { auth } = load(fixture).config.gateway;

      // Assert
      expect(auth.mode).toBe('token');
      expect(auth.token).toBe(token);
      expect(auth.source).toBe(source);
    });

    const allPasswords: Fixture = {
      overrides: { password: 'pw-flag' },
      env: { NESTCLAW_GATEWAY_PASSWORD: 'pw-nest', OPENCLAW_GATEWAY_PASSWORD: 'pw-open' },
      file: fileWith({ auth: { password: 'pw-file' } }),
    };

    it.each<[string, Fixture, string, string]>([
      ['the flag', allPasswords, 'pw-flag', 'flag'],
      ['NESTCLAW_GATEWAY_PASSWORD', { ...allPasswords, overrides: {} }, 'pw-nest', 'env:NESTCLAW_GATEWAY_PASSWORD'],
      [
        'OPENCLAW_GATEWAY_PASSWORD',
        { ...allPasswords, overrides: {}, env: { OPENCLAW_GATEWAY_PASSWORD: 'pw-open' } },
        'pw-open',
        'env:OPENCLAW_GATEWAY_PASSWORD',
      ],
      ['the config file', { file: allPasswords.file }, 'pw-file', 'config'],
    ])('takes the password from %s', (_name, fixture, password, source) => {
      // Act
      const { auth } = load(fixture).config.gateway;

      // Assert
      expect(auth.mode).toBe('password');
      expect(auth.password).toBe(password);
      expect(auth.source).toBe(source);
    });

    it('defaults to token mode with no secret and no source when nothing is configured', () => {
      // Act
      const { auth } = load().config.gateway;

      // Assert
      expect(auth).toEqual({ mode: 'token', token: undefined, password: undefined, source: undefined, allowTailscale: false });
    });

    it('defaults to password mode when only a password is set', () => {
      // Act
      const { auth } = load({ env: { NESTCLAW_GATEWAY_PASSWORD: 'pw' } }).config.gateway;

      // Assert
      expect(auth.mode).toBe('password');
      expect(auth.source).toBe('env:NESTCLAW_GATEWAY_PASSWORD');
    });

    it('stays in token mode when both a token and a password are set, and keeps both', () => {
      // Act
      const { auth } = load({ env: { NESTCLAW_GATEWAY_PASSWORD: 'pw' }, file: fileWith({ auth: { token: 'tok' } }) }).config
        .gateway;

      // Assert
      expect(auth.mode).toBe('token');
      expect(auth.token).toBe('tok');
      expect(auth.password).toBe('pw');
      expect(auth.source).toBe('config');
    });

    it('honours gateway.auth.mode from the file', () => {
      // Act
      const { auth } = load({ file: fileWith({ auth: { mode: 'password', token: 'tok', password: 'pw' } }) }).config.gateway;

      // Assert
      expect(auth.mode).toBe('password');
      expect(auth.source).toBe('config');
    });

    it('lets --auth override the file mode', () => {
      // Act
      const { auth } = load({
        file: fileWith({ auth: { mode: 'password', password: 'pw' } }),
        env: { NESTCLAW_GATEWAY_TOKEN: 'tok' },
        overrides: { auth: 'token' },
      }).config.gateway;

      // Assert
      expect(auth.mode).toBe('token');
      expect(auth.source).toBe('env:NESTCLAW_GATEWAY_TOKEN');
    });

    it('refuses an unknown --auth', () => {
      // Act
      const error = configError({ overrides: { auth: 'magic' } });

      // Assert
      expect(error.problems).toEqual(['--auth: must be one of token, password (got "magic")']);
    });

    it.each<[string, Fixture]>([
      ['--auth password', { overrides: { auth: 'password' }, env: { NESTCLAW_GATEWAY_TOKEN: 'tok' } }],
      ['gateway.auth.mode password', { file: fileWith({ auth: { mode: 'password', token: 'tok' } }) }],
    ])('throws a ConfigError for %s without a password', (_name, fixture) => {
      // Act
      const error = configError(fixture);

      // Assert
      expect(error).toBeInstanceOf(ConfigError);
      expect(error.problems).toHaveLength(1);
      expect(error.problems[0]).toContain('auth mode is "password" but no password is set');
      expect(error.message).toContain('gateway.auth.password');
      expect(error.message).not.toContain('tok');
    });

    it('collects every flag problem in one error', () => {
      // Act
      const error = configError({ overrides: { port: 'x', bind: 'y', auth: 'z' } });

      // Assert
      expect(error.problems).toHaveLength(3);
      expect(error.message).toContain('--port');
      expect(error.message).toContain('--bind');
      expect(error.message).toContain('--auth');
    });

    it.each<[string, object, boolean]>([
      ['explicit allowTailscale true', { auth: { allowTailscale: true } }, true],
      ['explicit allowTailscale false with serve', { auth: { allowTailscale: false }, tailscale: { mode: 'serve' } }, false],
      ['tailscale serve in token mode', { tailscale: { mode: 'serve' } }, true],
      ['tailscale serve in password mode', { tailscale: { mode: 'serve' }, auth: { password: 'pw' } }, false],
      ['tailscale funnel', { tailscale: { mode: 'funnel' } }, false],
      ['tailscale off', {}, false],
    ])('sets allowTailscale for %s', (_name, gateway, expected) => {
      expect(load({ file: fileWith(gateway) }).config.gateway.auth.allowTailscale).toBe(expected);
    });
  });

  describe('tailscale', () => {
    it('takes the mode and resetOnExit from the file', () => {
      expect(load({ file: fileWith({ tailscale: { mode: 'serve', resetOnExit: true } }) }).config.gateway.tailscale).toEqual({
        mode: 'serve',
        resetOnExit: true,
      });
    });

    it('lets --tailscale and --tailscale-reset-on-exit win over the file', () => {
      // Arrange
      const file = fileWith({ tailscale: { mode: 'funnel', resetOnExit: false } });

      // Act
      const { tailscale } = load({ file, overrides: { tailscale: 'serve', tailscaleResetOnExit: true } }).config.gateway;

      // Assert
      expect(tailscale).toEqual({ mode: 'serve', resetOnExit: true });
    });

    it("keeps the file's resetOnExit when the switch is absent", () => {
      const file = fileWith({ tailscale: { mode: 'serve', resetOnExit: true } });
      expect(load({ file, overrides: { tailscale: 'serve' } }).config.gateway.tailscale.resetOnExit).toBe(true);
    });

    it('defaults allowTailscale from the effective mode, --tailscale included', () => {
      expect(load({ overrides: { tailscale: 'serve' } }).config.gateway.auth.allowTailscale).toBe(true);
      expect(
        load({ file: fileWith({ tailscale: { mode: 'serve' } }), overrides: { tailscale: 'off' } }).config.gateway.auth
          .allowTailscale,
      ).toBe(false);
    });

    it('refuses an unknown --tailscale value, naming the choices', () => {
      // Act
      const error = configError({ overrides: { tailscale: 'public' } });

      // Assert
      expect(error.problems).toEqual(['--tailscale: must be one of off, serve, funnel (got "public")']);
    });
  });

  describe('defaults', () => {
    it('fills every section when the file is missing', () => {
      // Act
      const { gateway } = load().config;

      // Assert
      expect(gateway).toEqual({
        mode: 'local',
        port: DEFAULT_GATEWAY_PORT,
        portSource: 'default',
        bind: 'loopback',
        customBindHost: undefined,
        auth: { mode: 'token', token: undefined, password: undefined, source: undefined, allowTailscale: false },
        trustedProxies: [],
        allowedHosts: [],
        tailscale: { mode: 'off', resetOnExit: false },
        tls: { enabled: false, certPath: undefined, keyPath: undefined },
        controlUi: { enabled: true, basePath: '/', allowedOrigins: [], allowInsecureAuth: false },
        limits: { ...DEFAULT_LIMITS },
        remote: undefined,
        nodes: { allowCommands: [], denyCommands: [] },
        logging: { file: expect.stringMatching(/[\\/]logs[\\/]gateway\.log$/), level: 'info', format: 'text' },
      });
    });

    it('treats an empty or whitespace-only file as an empty object', () => {
      // Act
      const { config } = load({ file: '  \n ' });

      // Assert
      expect(config.configFileFound).toBe(true);
      expect(config.gateway.port).toBe(DEFAULT_GATEWAY_PORT);
    });

    it('copies the other file sections through', () => {
      // Act
      const { gateway } = load({
        file: fileWith({
          mode: 'remote',
          bind: 'custom',
          customBindHost: '10.0.0.5',
          trustedProxies: ['10.0.0.1'],
          tailscale: { mode: 'funnel', resetOnExit: true },
          controlUi: { enabled: false, basePath: '/ui', allowedOrigins: ['https://a.example'], allowInsecureAuth: true },
          remote: { url: 'wss://gw.example', token: 'remote-tok' },
        }),
      }).config;

      // Assert
      expect(gateway.mode).toBe('remote');
      expect(gateway.customBindHost).toBe('10.0.0.5');
      expect(gateway.trustedProxies).toEqual(['10.0.0.1']);
      expect(gateway.tailscale).toEqual({ mode: 'funnel', resetOnExit: true });
      expect(gateway.controlUi).toEqual({
        enabled: false,
        basePath: '/ui',
        allowedOrigins: ['https://a.example'],
        allowInsecureAuth: true,
      });
      expect(gateway.remote).toEqual({ url: 'wss://gw.example', token: 'remote-tok' });
    });
  });

  describe('tls', () => {
    it('takes a relative certPath/keyPath from the config file directory', () => {
      // Act
      const { tls } = load({
        env: { NESTCLAW_CONFIG_PATH: '/etc/nestclaw/gateway.json5' },
        file: fileWith({ tls: { enabled: true, certPath: 'tls/cert.pem', keyPath: '../keys/key.pem' } }),
      }).config.gateway;

      // Assert
      expect(tls).toEqual({ enabled: true, certPath: '/etc/nestclaw/tls/cert.pem', keyPath: '/etc/keys/key.pem' });
    });

    it('keeps absolute paths and expands ~ to the home directory', () => {
      // Act
      const { tls } = load({ file: fileWith({ tls: { certPath: '/srv/cert.pem', keyPath: '~/key.pem' } }) }).config.gateway;

      // Assert
      expect(tls).toEqual({ enabled: false, certPath: '/srv/cert.pem', keyPath: path.join(HOME, 'key.pem') });
    });

    it('treats an empty path as unset', () => {
      // Act
      const { tls } = load({ file: fileWith({ tls: { enabled: true, certPath: '', keyPath: '' } }) }).config.gateway;

      // Assert
      expect(tls).toEqual({ enabled: true, certPath: undefined, keyPath: undefined });
    });
  });

  describe('logging', () => {
    it('takes a relative log file from the config file directory', () => {
      const { logging } = load({ file: fileWith({ logging: { file: 'logs/gw.log', level: 'debug', format: 'json' } }) }).config
        .gateway;
      expect(logging).toEqual({ file: expect.stringMatching(/[\\/]logs[\\/]gw\.log$/), level: 'debug', format: 'json' });
      expect(path.isAbsolute(logging.file)).toBe(true);
    });

    it('takes --log-format over gateway.logging.format, and refuses a format it does not know', () => {
      const file = fileWith({ logging: { format: 'text' } });
      expect(load({ file, overrides: { logFormat: 'json' } }).config.gateway.logging.format).toBe('json');
      expect(() => load({ file, overrides: { logFormat: 'yaml' } })).toThrow(
        '--log-format: must be one of text, json (got "yaml")',
      );
    });
  });

  describe('limits', () => {
    it('uses the protocol defaults', () => {
      expect(load().config.gateway.limits).toEqual({
        maxPayload: 512 * 1024,
        maxBufferedBytes: 1.5 * 1024 * 1024,
        tickIntervalMs: 30_000,
        handshakeTimeoutMs: 10_000,
        slowConsumerGraceMs: 5_000,
      });
    });

    it('overrides only the limits the file sets', () => {
      // Act
      const { limits } = load({ file: fileWith({ limits: { maxPayload: 4096, tickIntervalMs: 100 } }) }).config.gateway;

      // Assert
      expect(limits).toEqual({
        maxPayload: 4096,
        maxBufferedBytes: DEFAULT_LIMITS.maxBufferedBytes,
        tickIntervalMs: 100,
        handshakeTimeoutMs: DEFAULT_LIMITS.handshakeTimeoutMs,
        slowConsumerGraceMs: DEFAULT_LIMITS.slowConsumerGraceMs,
      });
    });

    it.each<[string, number]>([
      ['maxPayload', 1023],
      ['maxBufferedBytes', 512],
      ['tickIntervalMs', 49],
      ['handshakeTimeoutMs', 600_001],
    ])('refuses gateway.limits.%s = %d', (key, value) => {
      // Act
      const error = configError({ file: fileWith({ limits: { [key]: value } }) });

      // Assert
      expect(error.problems).toHaveLength(1);
      expect(error.problems[0]).toMatch(new RegExp(`^gateway\\.limits\\.${key}: .*\\(got ${value}\\)$`));
    });

    it('does not change the shared DEFAULT_LIMITS', () => {
      // Act
      load({ file: fileWith({ limits: { maxPayload: 4096 } }) });

      // Assert
      expect(DEFAULT_LIMITS.maxPayload).toBe(512 * 1024);
    });
  });

  describe('nodes', () => {
    it('takes allowCommands and denyCommands from the file', () => {
      // Act
      const { nodes } = load({
        file: fileWith({ nodes: { allowCommands: ['camera.*', 'custom.ping'], denyCommands: ['system.run'] } }),
      }).config.gateway;

      // Assert
      expect(nodes).toEqual({ allowCommands: ['camera.*', 'custom.ping'], denyCommands: ['system.run'] });
    });

    it('defaults a missing list to empty', () => {
      // Act
      const { nodes } = load({ file: fileWith({ nodes: { denyCommands: ['system.run'] } }) }).config.gateway;

      // Assert
      expect(nodes).toEqual({ allowCommands: [], denyCommands: ['system.run'] });
    });

    it('refuses a list that is not of strings', () => {
      // Act
      const error = configError({ file: fileWith({ nodes: { denyCommands: ['system.run', 7] } }) });

      // Assert
      expect(error.problems[0]).toMatch(/^gateway\.nodes\.denyCommands/);
    });
  });

  describe('freezing', () => {
    it('returns a deeply frozen object', () => {
      // Act
      const { config } = load({
        file: fileWith({ trustedProxies: ['10.0.0.1'], auth: { token: 'tok' }, remote: { url: 'wss://x' }, limits: {} }),
      });

      // Assert
      expect(Object.isFrozen(config)).toBe(true);
      expect(Object.isFrozen(config.gateway)).toBe(true);
      expect(Object.isFrozen(config.gateway.auth)).toBe(true);
      expect(Object.isFrozen(config.gateway.limits)).toBe(true);
      expect(Object.isFrozen(config.gateway.trustedProxies)).toBe(true);
      expect(Object.isFrozen(config.gateway.controlUi.allowedOrigins)).toBe(true);
      expect(Object.isFrozen(config.gateway.remote)).toBe(true);
      expect(Object.isFrozen(config.file)).toBe(true);
      expect(Object.isFrozen(config.file.gateway)).toBe(true);
      expect(Object.isFrozen(config.file.gateway?.auth)).toBe(true);
    });

    it('refuses writes at depth', () => {
      // Arrange
      const { config } = load({ file: fileWith({ trustedProxies: ['10.0.0.1'] }) });

      // Act / Assert (commonjs modules from swc run in strict mode, so writes throw)
      expect(() => {
        (config.gateway.limits as { maxPayload: number }).maxPayload = 1;
      }).toThrow(TypeError);
      expect(() => (config.gateway.trustedProxies as string[]).push('1.2.3.4')).toThrow(TypeError);
      expect(config.gateway.limits.maxPayload).toBe(DEFAULT_LIMITS.maxPayload);
    });
  });

  describe('file problems', () => {
    it('names the file and the JSON5 problem for invalid JSON5', () => {
      // Act
      const error = configError({ file: '{ gateway: { port: 1, }' });

      // Assert
      expect(error.source).toBe(DEFAULT_CONFIG_PATH);
      expect(error.problems).toHaveLength(1);
      expect(error.problems[0]).toMatch(/^not valid JSON5: /);
      expect(error.problems[0]).toMatch(/invalid end of input/);
      expect(error.message).toContain(DEFAULT_CONFIG_PATH);
    });

    it('accepts JSON5 comments, unquoted keys and trailing commas', () => {
      // Act
      const { config } = load({ file: '// my gateway\n{ gateway: { port: 9000, bind: "lan", }, }' });

      // Assert
      expect(config.gateway.port).toBe(9000);
      expect(config.gateway.bind).toBe('lan');
    });
  });
});

describe(parseConfigText.name, () => {
  it('returns an empty ConfigFile for blank text', () => {
    expect(parseConfigText('', 'x.json')).toEqual({});
  });

  it('strips the JSON5: prefix from the parser message', () => {
    // Act
    let error: unknown;
    try {
      parseConfigText('{ port: }', 'x.json');
    } catch (e) {
      error = e;
    }

    // Assert
    expect(error).toBeInstanceOf(ConfigError);
    const { problems, source } = error as ConfigError;
    expect(source).toBe('x.json');
    expect(problems).toEqual(["not valid JSON5: invalid character '}' at 1:9"]);
  });

  it.each([['[1, 2]'], ['42'], ['"text"'], ['null']])('refuses %s because the file must hold one object', (text) => {
    expect(() => parseConfigText(text, 'x.json')).toThrow(/the file must contain one object/);
  });
});
