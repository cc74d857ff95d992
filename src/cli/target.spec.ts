import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FIXTURE_HEX, FIXTURE_PEM } from '../../test/support/fixtures/sample-certificate';
import { CliOverrides, loadConfig, ResolvedConfig } from '../common/config';
import { UsageError } from './exit-codes';
import { resolveTarget, TargetFlags } from './target';

const HOME = '/home/tester';
const STATE_DIR = path.join(HOME, '.nestclaw');
const CONFIG_PATH = path.join(STATE_DIR, 'nestclaw.json');
const PIN = 'AB:'.repeat(31) + 'AB';
const OTHER_PIN = 'cd'.repeat(32);
interface Fixture {
  gateway?: object;
  env?: Record<string, string>;
  overrides?: CliOverrides;
}

function config({ gateway, env = {}, overrides }: Fixture = {}): ResolvedConfig {
  const text = gateway === undefined ? undefined : JSON.stringify({ gateway });
  return loadConfig({ env, homeDir: HOME, readFile: () => text, overrides });
}

/** The injected generated-token reader; records the state dirs it was asked about. */
function tokenReader(token: string | undefined) {
  const calls: string[] = [];
  const read = (stateDir: string) => {
    calls.push(stateDir);
    return token;
  };
  return { read, calls };
}

function usageError(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error('expected a UsageError');
}

const EVERY_SECRET_IN_CONFIG: Fixture = {
  gateway: {
    mode: 'remote',
    auth: { token: 'local-token', password: 'local-password' },
    remote: { url: 'wss://remote.example.net', token: 'remote-token', password: 'remote-password', tlsFingerprint: OTHER_PIN },
  },
  env: { NESTCLAW_GATEWAY_TOKEN: 'env-token', NESTCLAW_GATEWAY_PASSWORD: 'env-password' },
};

describe(resolveTarget.name, () => {
  describe('with --url', () => {
    it.each<[string, Fixture]>([
      ['an empty config', {}],
      ['secrets in config and environment', EVERY_SECRET_IN_CONFIG],
    ])('refuses --url without --token or --password, even with %s', (_label, fixture) => {
      // Arrange
      const reader = tokenReader('generated-token');

      // Act
      const error = usageError(() => resolveTarget(config(fixture), { url: 'wss://other.example.net:18789' }, reader.read));

      // Assert
      expect(error.message).toBe(
        '--url wss://other.example.net:18789 was given without --token or --password; with an explicit URL nestclaw uses only credentials given on the command line, so pass --token <token> (or --password <password>)',
      );
      expect(reader.calls).toEqual([]);
    });

    it.each<[string, TargetFlags, object]>([
      ['--token', { token: 'flag-token' }, { token: 'flag-token', credentialSource: '--token' }],
      ['--password', { password: 'flag-password' }, { password: 'flag-password', credentialSource: '--password' }],
      [
        'both (the token wins)',
        { token: 'flag-token', password: 'flag-password' },
        { token: 'flag-token', credentialSource: '--token' },
      ],
    ])('uses only the command line secret given with %s', (_label, flags, expected) => {
      // Act
      const target = resolveTarget(
        config(EVERY_SECRET_IN_CONFIG),
        { url: 'ws://10.0.0.5:18789', ...flags },
        tokenReader('generated').read,
      );

      // Assert
      expect(target).toEqual({
        url: 'ws://10.0.0.5:18789',
        urlSource: '--url',
        configPath: CONFIG_PATH,
        stateDir: STATE_DIR,
        tlsFingerprint: undefined,
        ...expected,
      });
    });

    it('takes the pin from --tls-fingerprint only, never gateway.remote.tlsFingerprint', () => {
      // Arrange
      const cfg = config(EVERY_SECRET_IN_CONFIG);

      // Act
      const withFlag = resolveTarget(cfg, { url: 'wss://other.example.net', token: 't', tlsFingerprint: PIN });
      const withoutFlag = resolveTarget(cfg, { url: 'wss://other.example.net', token: 't' });

      // Assert
      expect(withFlag.tlsFingerprint).toBe(PIN);
      expect(withoutFlag.tlsFingerprint).toBeUndefined();
    });
  });

  describe('remote mode', () => {
    it('refuses a missing gateway.remote.url, naming the key and the config path', () => {
      // Arrange
      const cfg = config({ gateway: { mode: 'remote', remote: { token: 'remote-token' } } });

      // Act
      const error = usageError(() => resolveTarget(cfg, {}));

      // Assert
      expect(error.message).toContain('gateway.remote.url is not set');
      expect(error.message).toContain(CONFIG_PATH);
      expect(error.message).toContain('--url');
    });

    it('says how to fix remote mode without any remote section', () => {
      const error = usageError(() => resolveTarget(config({ gateway: { mode: 'remote' } }), {}));
      expect(error.message).toBe(
        `gateway.mode is "remote" but gateway.remote.url is not set in ${CONFIG_PATH}: set it (e.g. "wss://gateway.example.net:18789") or pass --url`,
      );
    });

    it.each<[string, object, object]>([
      ['remote.token', { token: 'remote-token' }, { token: 'remote-token', credentialSource: 'gateway.remote.token' }],
      [
        'remote.password',
        { password: 'remote-password' },
        { password: 'remote-password', credentialSource: 'gateway.remote.password' },
      ],
      [
        'remote.token over remote.password',
        { token: 'remote-token', password: 'remote-password' },
        { token: 'remote-token', credentialSource: 'gateway.remote.token' },
      ],
    ])('uses gateway.%s', (_label, remote, expected) => {
      // Arrange
      const cfg = config({ gateway: { mode: 'remote', remote: { url: 'wss://gw.example.net:18789', ...remote } } });

      // Act
      const target = resolveTarget(cfg, {}, tokenReader('generated').read);

      // Assert
      expect(target).toEqual({
        url: 'wss://gw.example.net:18789',
        urlSource: 'gateway.remote.url',
        configPath: CONFIG_PATH,
        stateDir: STATE_DIR,
        tlsFingerprint: undefined,
        ...expected,
      });
    });

    it.each<[string, TargetFlags, object]>([
      ['--token', { token: 'flag-token' }, { token: 'flag-token', credentialSource: '--token' }],
      ['--password', { password: 'flag-password' }, { password: 'flag-password', credentialSource: '--password' }],
    ])('lets %s override the remote secrets without mixing them', (_label, flags, expected) => {
      // Arrange
      const cfg = config({
        gateway: { mode: 'remote', remote: { url: 'wss://gw.example.net', token: 'remote-token', password: 'remote-password' } },
      });

      // Act
      const target = resolveTarget(cfg, flags);

      // Assert
      expect(target).toEqual({
        url: 'wss://gw.example.net',
        urlSource: 'gateway.remote.url',
        configPath: CONFIG_PATH,
        stateDir: STATE_DIR,
        tlsFingerprint: undefined,
        ...expected,
      });
    });

    it('never sends the local gateway secret or the generated token to a remote gateway', () => {
      // Arrange
      const cfg = config({
        gateway: { mode: 'remote', auth: { token: 'local-token' }, remote: { url: 'wss://gw.example.net' } },
        env: { NESTCLAW_GATEWAY_TOKEN: 'env-token' },
      });
      const reader = tokenReader('generated-token');

      // Act
      const target = resolveTarget(cfg, {}, reader.read);

      // Assert
      expect(target.token).toBeUndefined();
      expect(target.password).toBeUndefined();
      expect(target.credentialSource).toBeUndefined();
      expect(reader.calls).toEqual([]);
    });

    it('pins gateway.remote.tlsFingerprint, and --tls-fingerprint overrides it', () => {
      // Arrange
      const cfg = config({
        gateway: { mode: 'remote', remote: { url: 'wss://gw.example.net', token: 't', tlsFingerprint: OTHER_PIN } },
      });

      // Act
      const fromConfig = resolveTarget(cfg, {});
      const fromFlag = resolveTarget(cfg, { tlsFingerprint: PIN });

      // Assert
      expect(fromConfig.tlsFingerprint).toBe(OTHER_PIN);
      expect(fromFlag.tlsFingerprint).toBe(PIN);
    });
  });

  describe('local mode', () => {
    describe('with gateway TLS on', () => {
      let dir: string;
      beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nestclaw-target-'));
      });
      afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

      it('uses wss:// and pins the certificate file the local gateway serves', () => {
        // Arrange
        const certPath = path.join(dir, 'cert.pem');
        fs.writeFileSync(certPath, FIXTURE_PEM);
        const cfg = config({ gateway: { tls: { enabled: true, certPath, keyPath: path.join(dir, 'key.pem') } } });

        // Act
        const target = resolveTarget(cfg, {}, tokenReader('generated').read);

        // Assert
        expect(target.url).toBe('wss://127.0.0.1:18789');
        expect(target.tlsFingerprint).toBe(FIXTURE_HEX);
      });

      it('keeps a --tls-fingerprint given on the command line, whatever the secret source', () => {
        // Arrange
        const cfg = config({ gateway: { tls: { enabled: true }, auth: { token: 'cfg-token' } } });

        // Act
        const target = resolveTarget(cfg, { tlsFingerprint: PIN }, tokenReader(undefined).read);

        // Assert
        expect(target.tlsFingerprint).toBe(PIN);
        expect(target.token).toBe('cfg-token');
      });

      it('leaves the pin empty when the certificate cannot be read (the handshake then explains)', () => {
        // Arrange
        const cfg = config({
          gateway: { tls: { enabled: true, certPath: path.join(dir, 'missing.pem'), keyPath: path.join(dir, 'k.pem') } },
        });

        // Act / Assert
        expect(resolveTarget(cfg, {}, tokenReader('t').read).tlsFingerprint).toBeUndefined();
      });
    });

    it.each<[string, Fixture, string]>([
      ['the default port', {}, 'ws://127.0.0.1:18789'],
      ['gateway.port', { gateway: { port: 19001 } }, 'ws://127.0.0.1:19001'],
      ['NESTCLAW_GATEWAY_PORT', { env: { NESTCLAW_GATEWAY_PORT: '19002' } }, 'ws://127.0.0.1:19002'],
    ])('targets loopback on %s', (_label, fixture, url) => {
      // Act
      const target = resolveTarget(config(fixture), {}, tokenReader('generated').read);

      // Assert
      expect(target.url).toBe(url);
      expect(target.urlSource).toBe(`local gateway, port from ${config(fixture).gateway.portSource}`);
      expect(target.configPath).toBe(CONFIG_PATH);
      expect(target.stateDir).toBe(STATE_DIR);
    });

    it.each<[string, Fixture, object]>([
      [
        'gateway.auth.token',
        { gateway: { auth: { token: 'cfg-token' } } },
        { token: 'cfg-token', credentialSource: 'gateway.auth.token' },
      ],
      [
        'NESTCLAW_GATEWAY_TOKEN',
        { env: { NESTCLAW_GATEWAY_TOKEN: 'env-token' } },
        { token: 'env-token', credentialSource: 'NESTCLAW_GATEWAY_TOKEN' },
      ],
      [
        'OPENCLAW_GATEWAY_TOKEN',
        { env: { OPENCLAW_GATEWAY_TOKEN: 'oc-token' } },
        { token: 'oc-token', credentialSource: 'OPENCLAW_GATEWAY_TOKEN' },
      ],
      [
        'a --token override given to loadConfig',
        { overrides: { token: 'cli-token' } },
        { token: 'cli-token', credentialSource: '--token' },
      ],
      [
        'gateway.auth.password (password mode)',
        { gateway: { auth: { password: 'cfg-password' } } },
        { password: 'cfg-password', credentialSource: 'gateway.auth.password' },
      ],
      [
        'NESTCLAW_GATEWAY_PASSWORD',
        { env: { NESTCLAW_GATEWAY_PASSWORD: 'env-password' } },
        { password: 'env-password', credentialSource: 'NESTCLAW_GATEWAY_PASSWORD' },
      ],
      [
        'a --password override given to loadConfig',
        { overrides: { password: 'cli-password' } },
        { password: 'cli-password', credentialSource: '--password' },
      ],
    ])('uses the local gateway secret from %s and names its source', (_label, fixture, expected) => {
      // Arrange
      const reader = tokenReader('generated-token');

      // Act
      const target = resolveTarget(config(fixture), {}, reader.read);

      // Assert
      expect(target).toMatchObject(expected);
      expect('token' in expected ? target.password : target.token).toBeUndefined();
      expect(reader.calls).toEqual([]);
    });

    it('falls back to the token the gateway generated in the state dir', () => {
      // Arrange
      const reader = tokenReader('generated-token');

      // Act
      const target = resolveTarget(config(), {}, reader.read);

      // Assert
      expect(target.token).toBe('generated-token');
      expect(target.credentialSource).toBe(`${STATE_DIR}/gateway.token`);
      expect(reader.calls).toEqual([STATE_DIR]);
    });

    it('sends no secret and names no source when nothing is configured or generated', () => {
      // Act
      const target = resolveTarget(config(), {}, tokenReader(undefined).read);

      // Assert
      expect(target.token).toBeUndefined();
      expect(target.password).toBeUndefined();
      expect(target.credentialSource).toBeUndefined();
    });

    it('never uses gateway.remote.* for the local gateway', () => {
      // Arrange
      const cfg = config({
        gateway: {
          remote: { url: 'wss://gw.example.net', token: 'remote-token', password: 'remote-password', tlsFingerprint: OTHER_PIN },
        },
      });

      // Act
      const generated = resolveTarget(cfg, {}, tokenReader('generated-token').read);
      const nothing = resolveTarget(cfg, {}, tokenReader(undefined).read);

      // Assert
      expect(generated).toMatchObject({ url: 'ws://127.0.0.1:18789', token: 'generated-token' });
      expect(generated.password).toBeUndefined();
      expect(generated.tlsFingerprint).toBeUndefined();
      expect(nothing.token).toBeUndefined();
      expect(nothing.password).toBeUndefined();
      expect(nothing.tlsFingerprint).toBeUndefined();
    });

    it.each<[string, Fixture]>([
      ['gateway.auth.token', { gateway: { auth: { token: 'cfg-token' }, remote: { token: 'remote-token' } } }],
      ['gateway.auth.password', { gateway: { auth: { password: 'cfg-password' }, remote: { token: 'remote-token' } } }],
    ])('prefers %s over gateway.remote.token', (_label, fixture) => {
      // Act
      const target = resolveTarget(config(fixture), {});

      // Assert
      expect(target.token).not.toBe('remote-token');
      expect(target.credentialSource).toMatch(/^gateway\.auth\./);
    });

    it.each<[string, TargetFlags, object]>([
      ['--token', { token: 'flag-token' }, { token: 'flag-token', credentialSource: '--token' }],
      ['--password', { password: 'flag-password' }, { password: 'flag-password', credentialSource: '--password' }],
    ])('lets %s override the configured local secret', (_label, flags, expected) => {
      // Arrange
      const cfg = config({ gateway: { auth: { token: 'cfg-token' } }, env: { NESTCLAW_GATEWAY_PASSWORD: 'env-password' } });

      // Act
      const target = resolveTarget(cfg, flags);

      // Assert
      expect(target).toEqual({
        url: 'ws://127.0.0.1:18789',
        urlSource: 'local gateway, port from default',
        configPath: CONFIG_PATH,
        stateDir: STATE_DIR,
        tlsFingerprint: undefined,
        ...expected,
      });
    });

    it.each<[string, TargetFlags, string | undefined]>([
      ['command line', { token: 'flag-token', tlsFingerprint: PIN }, undefined],
      ['generated', { tlsFingerprint: PIN }, 'generated-token'],
    ])('refuses --tls-fingerprint for the ws:// local gateway (%s credentials)', (_label, flags, generated) => {
      // Act
      const error = usageError(() => resolveTarget(config(), flags, tokenReader(generated).read));

      // Assert
      expect(error.message).toBe(
        'a TLS fingerprint was given for the ws:// URL ws://127.0.0.1:18789; use wss:// or drop the fingerprint',
      );
    });
  });

  describe('URL and pin checks', () => {
    it.each<[string, Fixture, TargetFlags]>([
      ['--url', {}, { url: 'wss://gw.example.net', token: 't', tlsFingerprint: 'not-a-fingerprint' }],
      [
        '--tls-fingerprint in remote mode',
        { gateway: { mode: 'remote', remote: { url: 'wss://gw.example.net' } } },
        { tlsFingerprint: 'ab:cd' },
      ],
      [
        'gateway.remote.tlsFingerprint',
        { gateway: { mode: 'remote', remote: { url: 'wss://gw.example.net', tlsFingerprint: 'f'.repeat(63) } } },
        {},
      ],
    ])('refuses a malformed fingerprint from %s', (_label, fixture, flags) => {
      // Act
      const error = usageError(() => resolveTarget(config(fixture), flags));

      // Assert
      expect(error.message).toBe('the TLS fingerprint must be a SHA-256 fingerprint: 64 hex digits, colons optional');
    });

    it('accepts a pin in any common notation and passes it on as given', () => {
      // Arrange
      const cfg = config({ gateway: { mode: 'remote', remote: { url: 'wss://gw.example.net' } } });

      // Act
      const target = resolveTarget(cfg, { tlsFingerprint: `sha256:${OTHER_PIN.toUpperCase()}` });

      // Assert
      expect(target.tlsFingerprint).toBe(`sha256:${OTHER_PIN.toUpperCase()}`);
    });

    it.each<[string, Fixture, TargetFlags, string]>([
      [
        'a pinned ws:// --url',
        {},
        { url: 'ws://10.0.0.5:18789', token: 't', tlsFingerprint: PIN },
        'a TLS fingerprint was given for the ws:// URL ws://10.0.0.5:18789; use wss:// or drop the fingerprint',
      ],
      [
        'a pinned ws:// gateway.remote.url',
        { gateway: { mode: 'remote', remote: { url: 'ws://gw.example.net:18789', tlsFingerprint: OTHER_PIN } } },
        {},
        'a TLS fingerprint was given for the ws:// URL ws://gw.example.net:18789; use wss:// or drop the fingerprint',
      ],
      [
        'an http:// --url',
        {},
        { url: 'http://10.0.0.5:18789', token: 't' },
        'http://10.0.0.5:18789 (from --url) must start with ws:// or wss://',
      ],
      [
        'an https:// gateway.remote.url',
        { gateway: { mode: 'remote', remote: { url: 'https://gw.example.net' } } },
        {},
        'https://gw.example.net (from gateway.remote.url) must start with ws:// or wss://',
      ],
      [
        'a --url that is not a URL',
        {},
        { url: 'gw.example.net:18789', token: 't' },
        'gw.example.net:18789 (from --url) must start with ws:// or wss://',
      ],
      [
        'a gateway.remote.url that is not a URL',
        { gateway: { mode: 'remote', remote: { url: 'not a url' } } },
        {},
        'not a url (from gateway.remote.url) is not a URL; use ws://host:port or wss://host:port',
      ],
    ])('refuses %s, naming where it came from', (_label, fixture, flags, message) => {
      // Act
      const error = usageError(() => resolveTarget(config(fixture), flags));

      // Assert
      expect(error.message).toBe(message);
    });
  });
});
