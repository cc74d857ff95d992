import { GatewayClientError, GatewayFailureInfo, GatewayFailureKind } from '../common/client';
import { ExitCode, UsageError } from './exit-codes';
import { describeFailure } from './failure';
import type { GatewayTarget } from './target';

const target: GatewayTarget = {
  url: 'wss://gw.example.net:18789',
  urlSource: 'gateway.remote.url',
  token: 'secret-token-value',
  credentialSource: 'gateway.remote.token',
  configPath: '/home/tester/.nestclaw/nestclaw.json',
  stateDir: '/home/tester/.nestclaw',
};

const EXPECTED = 'ab'.repeat(32);
const SEEN = '0f'.repeat(32);

const fail = (kind: GatewayFailureKind, message = `${kind} happened`, info: GatewayFailureInfo = {}) =>
  new GatewayClientError(kind, message, info);

describe(describeFailure.name, () => {
  describe('exit codes', () => {
    it.each<[GatewayFailureKind, number, GatewayFailureInfo]>([
      ['gateway-error', ExitCode.GatewayError, { error: { code: 'INVALID_REQUEST', message: 'unknown method: x' } }],
      [
        'handshake-refused',
        ExitCode.GatewayError,
        { error: { code: 'INVALID_REQUEST', message: 'unauthorized: gateway token mismatch' } },
      ],
      ['unreachable', ExitCode.Unreachable, { cause: 'ECONNREFUSED' }],
      ['timeout', ExitCode.Unreachable, {}],
      ['tls-mismatch', ExitCode.Unreachable, { expectedFingerprint: EXPECTED, seenFingerprint: SEEN }],
      ['tls-untrusted', ExitCode.Unreachable, { cause: 'DEPTH_ZERO_SELF_SIGNED_CERT' }],
      ['upgrade-refused', ExitCode.Unreachable, { httpStatus: 403 }],
      ['closed', ExitCode.Unreachable, { closeCode: 1006 }],
      ['protocol', ExitCode.Unreachable, {}],
    ])('%s exits with %i', (kind, exitCode, info) => {
      // Act
      const failure = describeFailure(fail(kind, 'boom', info), target);

      // Assert
      expect(failure.exitCode).toBe(exitCode);
    });

    it('uses 1 when the gateway answered and 2 when it did not', () => {
      expect(ExitCode.GatewayError).toBe(1);
      expect(ExitCode.Unreachable).toBe(2);
      expect(ExitCode.Usage).toBe(3);
    });

    it('exits 3 with the usage message alone and kind "usage" in JSON', () => {
      // Arrange
      const error = new UsageError('--url x was given without --token or --password');

      // Act
      const failure = describeFailure(error);

      // Assert
      expect(failure).toEqual({
        exitCode: 3,
        message: '--url x was given without --token or --password',
        json: { ok: false, kind: 'usage', message: '--url x was given without --token or --password' },
      });
    });
  });

  describe('message', () => {
    it.each<[GatewayFailureKind, GatewayFailureInfo]>([
      ['gateway-error', { error: { code: 'UNAVAILABLE', message: 'try later' } }],
      ['handshake-refused', { error: { code: 'NOT_PAIRED', message: 'pairing required' } }],
      ['unreachable', {}],
      ['timeout', {}],
      ['tls-mismatch', { expectedFingerprint: EXPECTED, seenFingerprint: SEEN }],
      ['tls-untrusted', {}],
      ['upgrade-refused', { httpStatus: 404 }],
      ['closed', { closeCode: 1008, closeReason: 'handshake timeout' }],
      ['protocol', {}],
    ])('for %s names the target URL, where it came from, the config path and the secret source', (kind, info) => {
      // Act
      const { message } = describeFailure(fail(kind, 'boom', info), target);

      // Assert
      const lines = message.split('\n');
      expect(lines).toContain('  target  wss://gw.example.net:18789 (from gateway.remote.url)');
      expect(lines).toContain('  config  /home/tester/.nestclaw/nestclaw.json');
      expect(lines).toContain('  auth    from gateway.remote.token');
      expect(message).not.toContain('secret-token-value');
    });

    it('leaves out the auth line when no secret was sent', () => {
      // Act
      const { message } = describeFailure(fail('unreachable'), { ...target, token: undefined, credentialSource: undefined });

      // Assert
      expect(message).toContain('  target  wss://gw.example.net:18789 (from gateway.remote.url)');
      expect(message).not.toContain('  auth');
    });

    it('heads a gateway answer with its error code and message', () => {
      // Act
      const { message } = describeFailure(
        fail('gateway-error', 'unknown method: x', { error: { code: 'INVALID_REQUEST', message: 'unknown method: x' } }),
        target,
      );

      // Assert
      expect(message.split('\n')[0]).toBe('error: INVALID_REQUEST: unknown method: x');
      expect(message).not.toContain('  fix');
    });

    it("renders a node's own error that the message leaves out", () => {
      // Act
      const { message } = describeFailure(
        fail('gateway-error', 'node error', {
          error: {
            code: 'UNAVAILABLE',
            message: 'node error: system.run failed on node n1 (EXEC_DENIED); see details.nodeError',
            details: { nodeError: { code: 'EXEC_DENIED', message: 'run: nestclaw node allow /usr/bin/uptime' } },
          },
        }),
        target,
      );

      // Assert
      expect(message).toContain('  node    EXEC_DENIED: run: nestclaw node allow /usr/bin/uptime');
      expect(message).not.toContain('gateway refused');
    });

    it('heads a connection problem with what happened, then the fix', () => {
      // Act
      const { message } = describeFailure(
        fail('unreachable', 'connection refused: nothing is listening there (ECONNREFUSED)', { cause: 'ECONNREFUSED' }),
        target,
      );

      // Assert
      expect(message.split('\n')).toEqual([
        'cannot reach the gateway: connection refused: nothing is listening there (ECONNREFUSED)',
        '  target  wss://gw.example.net:18789 (from gateway.remote.url)',
        '  config  /home/tester/.nestclaw/nestclaw.json',
        '  auth    from gateway.remote.token',
        '  fix     is the gateway running (`nestclaw gateway run`)? For a remote gateway, is the SSH tunnel up (`nestclaw tunnel ssh user@host`)?',
      ]);
    });

    it('shows both fingerprints with colons for a pin mismatch and says not to connect', () => {
      // Act
      const failure = describeFailure(
        fail('tls-mismatch', 'the gateway certificate does not match the pinned fingerprint', {
          expectedFingerprint: EXPECTED,
          seenFingerprint: SEEN,
        }),
        target,
      );

      // Assert
      const seenFormatted = '0F:'.repeat(31) + '0F';
      const expectedFormatted = 'AB:'.repeat(31) + 'AB';
      expect(failure.message).toContain(`the certificate's SHA-256 is ${seenFormatted}, expected ${expectedFormatted}`);
      expect(failure.message).toContain('gateway.remote.tlsFingerprint (or --tls-fingerprint)');
      expect(failure.message).toContain('do not connect');
      expect(failure.json.fix).toContain(seenFormatted);
      expect(failure.json.fix).toContain(expectedFormatted);
    });

    it('says "unknown" when the mismatching certificate could not be read', () => {
      // Act
      const { message } = describeFailure(fail('tls-mismatch', 'mismatch', { expectedFingerprint: EXPECTED }), target);

      // Assert
      expect(message).toContain(`the certificate's SHA-256 is unknown, expected ${'AB:'.repeat(31)}AB`);
    });

    it.each<[string, GatewayFailureKind, GatewayFailureInfo, string]>([
      [
        'timeout',
        'timeout',
        {},
        'the gateway did not answer in time: check that the host and port are right, or raise --timeout',
      ],
      [
        'an untrusted certificate',
        'tls-untrusted',
        {},
        'pin the gateway certificate with --tls-fingerprint <sha256> (the gateway prints it at start and in `status`), or set gateway.remote.tlsFingerprint',
      ],
      ['a 404 upgrade', 'upgrade-refused', { httpStatus: 404 }, 'is that URL a nestclaw gateway?'],
      ['an upgrade without status', 'upgrade-refused', {}, 'is that URL a nestclaw gateway?'],
      [
        'a 403 upgrade',
        'upgrade-refused',
        { httpStatus: 403 },
        'the gateway refused the upgrade (HTTP 403); check the URL has no credentials in it',
      ],
      [
        'a 1008 close',
        'closed',
        { closeCode: 1008, closeReason: 'handshake timeout' },
        'the gateway closed the connection (handshake timeout)',
      ],
      ['a 1008 close without reason', 'closed', { closeCode: 1008 }, 'the gateway closed the connection (policy)'],
      ['another close', 'closed', { closeCode: 1006 }, 'the connection dropped; try again, and check the gateway log'],
      ['a protocol problem', 'protocol', {}, 'check the URL scheme: ws:// for a plain gateway, wss:// for a TLS one'],
    ])('suggests a fix for %s', (_label, kind, info, fix) => {
      // Act
      const failure = describeFailure(fail(kind, 'x', info), target);

      // Assert
      expect(failure.message).toContain(`  fix     ${fix}`);
      expect(failure.json.fix).toContain(fix);
    });

    describe('refused handshake', () => {
      it('names the source of the refused secret', () => {
        // Act
        const { message } = describeFailure(
          fail('handshake-refused', 'unauthorized', {
            error: { code: 'INVALID_REQUEST', message: 'unauthorized: gateway token mismatch' },
          }),
          target,
        );

        // Assert
        expect(message).toContain(
          "  fix     the secret from gateway.remote.token was refused: make it match the gateway's gateway.auth.token (or password)",
        );
      });

      it('says no secret was found when none was sent', () => {
        // Act
        const { message } = describeFailure(
          fail('handshake-refused', 'x', { error: { code: 'NOT_PAIRED', message: 'device identity required' } }),
          { ...target, token: undefined, credentialSource: undefined },
        );

        // Assert
        expect(message).toContain('no secret was found to send: pass --token');
      });

      it('says to wait when rate limited', () => {
        // Act
        const { message } = describeFailure(
          fail('handshake-refused', 'x', {
            error: { code: 'RATE_LIMITED', message: 'too many failed auth attempts', retryAfterMs: 1000 },
          }),
          target,
        );

        // Assert
        expect(message).toContain('too many failed attempts from this address: wait');
      });

      it('suggests nothing for a refusal that is not about secrets', () => {
        // Act
        const failure = describeFailure(
          fail('handshake-refused', 'x', {
            error: { code: 'INVALID_REQUEST', message: 'protocol mismatch: this gateway speaks protocol 3' },
          }),
          target,
        );

        // Assert
        expect(failure.message).not.toContain('fix');
        expect(failure.json).not.toHaveProperty('fix');
      });
    });
  });

  describe('json', () => {
    it('carries kind, message, the gateway error, the target and the fix', () => {
      // Arrange
      const shape = { code: 'INVALID_REQUEST', message: 'unauthorized: gateway token mismatch' };

      // Act
      const failure = describeFailure(
        fail('handshake-refused', 'unauthorized: gateway token mismatch', { error: shape }),
        target,
      );

      // Assert
      expect(failure.json).toEqual({
        ok: false,
        kind: 'handshake-refused',
        message: 'unauthorized: gateway token mismatch',
        error: shape,
        target: { url: 'wss://gw.example.net:18789', source: 'gateway.remote.url' },
        configPath: '/home/tester/.nestclaw/nestclaw.json',
        fix: "the secret from gateway.remote.token was refused: make it match the gateway's gateway.auth.token (or password)",
      });
      expect(JSON.stringify(failure.json)).not.toContain('secret-token-value');
    });

    it('leaves out error and fix when there are none', () => {
      // Act
      const failure = describeFailure(fail('gateway-error', 'failed', { error: undefined }), target);

      // Assert
      expect(failure.json).toEqual({
        ok: false,
        kind: 'gateway-error',
        message: 'failed',
        target: { url: 'wss://gw.example.net:18789', source: 'gateway.remote.url' },
        configPath: '/home/tester/.nestclaw/nestclaw.json',
      });
    });

    it('leaves out target and config when there is no target', () => {
      // Act
      const failure = describeFailure(fail('unreachable', 'refused'));

      // Assert
      expect(failure.json).not.toHaveProperty('target');
      expect(failure.json).not.toHaveProperty('configPath');
      expect(failure.message.split('\n')[0]).toBe('cannot reach the gateway: refused');
    });
  });

  describe('other errors', () => {
    it('reports kind "internal" with the error message', () => {
      // Act
      const fromError = describeFailure(new Error('disk full'));
      const fromString = describeFailure('weird');

      // Assert
      expect(fromError.json).toMatchObject({ ok: false, kind: 'internal', message: 'disk full' });
      expect(fromError.message).toContain('disk full');
      expect(fromString.json).toMatchObject({ ok: false, kind: 'internal', message: 'weird' });
    });

    it('still names the target and config path when one is known', () => {
      // Act
      const failure = describeFailure(new Error('device.json does not hold a valid device identity'), target);

      // Assert
      expect(failure.message).toContain('wss://gw.example.net:18789 (from gateway.remote.url)');
      expect(failure.message).toContain(target.configPath);
      expect(failure.json).toMatchObject({ kind: 'internal', target: { url: target.url }, configPath: target.configPath });
    });
  });
});
