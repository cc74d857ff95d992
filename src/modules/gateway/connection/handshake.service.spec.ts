import type { WebSocket } from 'ws';
import { Clock } from '../../../common/clock';
import { DeviceIdentity, generateDeviceIdentity, signDeviceProof } from '../../../common/identity';
import type { RequestFrame } from '../../../common/protocol';
import { authBucketOf } from '../../auth/auth-bucket';
import { AUTH_FAILURE_LIMIT, AuthRateLimiter } from '../../auth/auth-rate-limiter';
import { DeviceVerifierService } from '../../auth/device-verifier.service';
import { GatewayAuthSettings } from '../../auth/gateway-auth-settings';
import { SharedSecretAuthService } from '../../auth/shared-secret-auth.service';
import type { TailscaleClaim } from '../../auth/tailscale-identity';
import type { TailscaleIdentityService } from '../../auth/tailscale-identity.service';
import { PairingErrors } from '../../pairing/pairing.errors';
import type { AdmissionRequest, DeviceAuth, PairingService } from '../../pairing/pairing.service';
import type { GatewayRuntime } from '../../config/gateway-runtime';
import type { HelloSnapshotSource } from '../hello-snapshot';
import type { RpcRegistry } from '../rpc/rpc-registry';
import { Connection, ConnectionOrigin } from './connection';
import { HandshakeService } from './handshake.service';

const SECRET = 'the-gateway-secret';
const DEVICE_TOKEN = 'ncd_current-device-token';
const STALE_TOKEN = 'ncd_revoked-device-token';
const NONCE = 'challenge-nonce';
const LOOPBACK: ConnectionOrigin = { clientAddress: '127.0.0.1', isLocal: true };
const REMOTE: ConnectionOrigin = { clientAddress: '203.0.113.9', isLocal: false };
const SERVE_CLAIM: TailscaleClaim = { login: 'alice@example.com', clientIp: '100.101.102.103' };
const SERVE: ConnectionOrigin = { clientAddress: '127.0.0.1', isLocal: false, tailscale: SERVE_CLAIM };

const identity: DeviceIdentity = generateDeviceIdentity();
const AUTH: DeviceAuth = { deviceToken: DEVICE_TOKEN, role: 'operator', scopes: ['operator.admin'], issuedAtMs: 1 };

/** The pairing store as the handshake sees it: which tokens are current for `identity`. */
class FakePairing {
  paired = true;
  readonly admitted: AdmissionRequest[] = [];

  hasDeviceTokens(deviceId: string): boolean {
    return this.paired && deviceId === identity.deviceId;
  }

  admit(request: AdmissionRequest): DeviceAuth {
    this.admitted.push(request);
    if (request.deviceToken === undefined) {
      if (!this.paired && !request.isLocal) throw PairingErrors.pairingRequired('req-1', request.deviceId);
      return AUTH;
    }
    if (!this.paired) throw PairingErrors.deviceTokenRevoked();
    if (request.deviceToken !== DEVICE_TOKEN) throw PairingErrors.deviceTokenMismatch();
    return AUTH;
  }
}

interface Row {
  name: string;
  origin: ConnectionOrigin;
  params: () => Record<string, unknown>;
  /** Failed logins already recorded against this connection's bucket. */
  priorFailures?: number;
  /** Failures recorded on another address that must share the bucket. */
  failuresFrom?: string;
  paired?: boolean;
  tailscale?: { enabled: boolean; confirms: boolean };
  expected:
    | { ok: true; tailscaleLogin?: string; deviceToken?: 'none' | 'presented'; deviceId?: boolean }
    | { ok: false; code: string; message?: RegExp; reason?: string; closeCode?: number; closeReason?: string };
  /** Whether this attempt leaves a failed login behind (checked with one slot to spare). */
  countsAsFailure?: boolean;
}

const connectParams = (extra: Record<string, unknown> = {}) => ({
  minProtocol: 3,
  maxProtocol: 3,
  client: { id: 'cli', version: '1.0.0', platform: 'linux', mode: 'cli' },
  ...extra,
});

const withDevice =
  (token: string | undefined, extra: Record<string, unknown> = {}) =>
  () =>
    connectParams({
      ...(token !== undefined ? { auth: { token } } : {}),
      device: signDeviceProof(identity, {
        clientId: 'cli',
        clientMode: 'cli',
        role: 'operator',
        scopes: [],
        signedAtMs: Date.now(),
        token,
        nonce: NONCE,
      }),
      ...extra,
    });

const ROWS: Row[] = [
  {
    name: 'the shared secret, no device → operator with the default scopes',
    origin: REMOTE,
    params: () => connectParams({ auth: { token: SECRET } }),
    expected: { ok: true },
    countsAsFailure: false,
  },
  {
    name: 'a wrong secret, no device → token mismatch, counted',
    origin: REMOTE,
    params: () => connectParams({ auth: { token: 'guess' } }),
    expected: { ok: false, code: 'INVALID_REQUEST', message: /^unauthorized: gateway token mismatch/ },
    countsAsFailure: true,
  },
  {
    name: 'nothing at all → device identity required, counted',
    origin: REMOTE,
    params: () => connectParams(),
    expected: { ok: false, code: 'NOT_PAIRED', message: /device identity required/ },
    countsAsFailure: true,
  },
  {
    name: 'a device with the shared secret → admitted by pairing without a device token',
    origin: REMOTE,
    params: withDevice(SECRET),
    expected: { ok: true, deviceToken: 'none', deviceId: true },
    countsAsFailure: false,
  },
  {
    name: 'a device with its current device token → admitted on the token',
    origin: REMOTE,
    params: withDevice(DEVICE_TOKEN),
    expected: { ok: true, deviceToken: 'presented', deviceId: true },
    countsAsFailure: false,
  },
  {
    name: 'a device with a stale device token → device-token-mismatch, counted',
    origin: REMOTE,
    params: withDevice(STALE_TOKEN),
    expected: { ok: false, code: 'INVALID_REQUEST', reason: 'device-token-mismatch' },
    countsAsFailure: true,
  },
  {
    name: 'a device the gateway forgot (state reset) with its old token → device-token-revoked',
    origin: REMOTE,
    paired: false,
    params: withDevice(STALE_TOKEN),
    expected: { ok: false, code: 'INVALID_REQUEST', reason: 'device-token-revoked' },
    countsAsFailure: true,
  },
  {
    name: 'an unpaired device with a wrong secret → gateway token mismatch, not a device-token reason',
    origin: REMOTE,
    paired: false,
    params: withDevice('guess'),
    expected: { ok: false, code: 'INVALID_REQUEST', message: /^unauthorized: gateway token mismatch/ },
    countsAsFailure: true,
  },
  {
    name: 'an unpaired remote device with the secret → pairing required, not counted',
    origin: REMOTE,
    paired: false,
    params: withDevice(SECRET),
    expected: { ok: false, code: 'NOT_PAIRED', closeReason: 'pairing required' },
    countsAsFailure: false,
  },
  {
    name: 'a bad device signature → device auth failed, counted',
    origin: REMOTE,
    params: () => ({ ...withDevice(SECRET)(), auth: { token: 'not-what-was-signed' } }),
    expected: { ok: false, code: 'INVALID_REQUEST', message: /device signature invalid/ },
    countsAsFailure: true,
  },
  {
    name: 'a Serve request whose identity whois confirms → admitted as that login',
    origin: SERVE,
    tailscale: { enabled: true, confirms: true },
    params: () => connectParams(),
    expected: { ok: true, tailscaleLogin: 'alice@example.com' },
    countsAsFailure: false,
  },
  {
    name: 'a Serve request whois does not confirm → identity not verified, counted',
    origin: SERVE,
    tailscale: { enabled: true, confirms: false },
    params: () => connectParams(),
    expected: { ok: false, code: 'INVALID_REQUEST', message: /Tailscale identity not verified/ },
    countsAsFailure: true,
  },
  {
    name: 'a locked bucket → the right secret is not even compared',
    origin: LOOPBACK,
    priorFailures: AUTH_FAILURE_LIMIT,
    params: () => connectParams({ auth: { token: SECRET } }),
    expected: { ok: false, code: 'RATE_LIMITED', closeReason: 'rate limited' },
  },
  {
    name: 'a bucket locked from another loopback alias → locked here too',
    origin: LOOPBACK,
    failuresFrom: '127.0.0.42',
    priorFailures: AUTH_FAILURE_LIMIT,
    params: () => connectParams({ auth: { token: SECRET } }),
    expected: { ok: false, code: 'RATE_LIMITED' },
  },
  {
    name: 'a locked bucket → the owner with a proven key and its device token still gets in',
    origin: LOOPBACK,
    priorFailures: AUTH_FAILURE_LIMIT,
    params: withDevice(DEVICE_TOKEN),
    expected: { ok: true, deviceToken: 'presented', deviceId: true },
  },
  {
    name: 'a locked bucket → a stale device token does not get in',
    origin: LOOPBACK,
    priorFailures: AUTH_FAILURE_LIMIT,
    params: withDevice(STALE_TOKEN),
    expected: { ok: false, code: 'RATE_LIMITED' },
  },
  {
    name: 'a locked bucket → a device with the shared secret does not get in',
    origin: LOOPBACK,
    priorFailures: AUTH_FAILURE_LIMIT,
    params: withDevice(SECRET),
    expected: { ok: false, code: 'RATE_LIMITED' },
  },
  {
    name: 'a locked loopback bucket → a Serve user is counted apart',
    origin: SERVE,
    failuresFrom: '127.0.0.1',
    priorFailures: AUTH_FAILURE_LIMIT,
    tailscale: { enabled: true, confirms: true },
    params: () => connectParams(),
    expected: { ok: true, tailscaleLogin: 'alice@example.com' },
  },
  {
    name: 'a protocol it does not speak → 1002, not counted',
    origin: REMOTE,
    params: () => connectParams({ minProtocol: 5, maxProtocol: 6, auth: { token: SECRET } }),
    expected: { ok: false, code: 'INVALID_REQUEST', closeCode: 1002, closeReason: 'protocol mismatch' },
    countsAsFailure: false,
  },
  {
    name: 'protocol 4 only, the shared token and a v3 proof with the device token apart → admitted',
    origin: REMOTE,
    params: () =>
      connectParams({
        minProtocol: 4,
        maxProtocol: 4,
        client: { id: 'openclaw-linux', version: '2026.9.6', platform: 'Linux', mode: 'worker', buildId: 'b1', timeZone: 'UTC' },
        auth: { token: SECRET, deviceToken: DEVICE_TOKEN, approvalRuntimeToken: 'x', agentRuntimeIdentityToken: 'y' },
        computerUse: { enabled: false },
        modelCatalog: { agentId: 'main' },
        device: signDeviceProof(
          identity,
          {
            clientId: 'openclaw-linux',
            clientMode: 'worker',
            role: 'operator',
            scopes: [],
            signedAtMs: Date.now(),
            token: SECRET,
            nonce: NONCE,
            platform: 'linux',
          },
          'v3',
        ),
      }),
    expected: { ok: true, deviceToken: 'none', deviceId: true },
  },
  {
    name: 'workerRuns → refused with what to do instead',
    origin: REMOTE,
    params: () =>
      connectParams({
        minProtocol: 4,
        maxProtocol: 4,
        auth: { token: SECRET },
        workerRuns: { bundleHash: 'h', openclawVersion: 'v', protocolFeatures: [] },
      }),
    expected: { ok: false, code: 'INVALID_REQUEST', message: /^workerRuns: nestclaw runs no worker bundles/ },
  },
];

describe(HandshakeService.name, () => {
  function setUp(row: Row) {
    const clock = new Clock();
    const limiter = new AuthRateLimiter(clock);
    const pairing = new FakePairing();
    pairing.paired = row.paired ?? true;
    const tailscale = {
      enabled: row.tailscale?.enabled ?? false,
      verify: async (claim: TailscaleClaim | undefined) => (claim && row.tailscale?.confirms ? claim.login : undefined),
    };
    const service = new HandshakeService(
      {} as GatewayRuntime,
      {} as RpcRegistry,
      {} as HelloSnapshotSource,
      limiter,
      new SharedSecretAuthService(new GatewayAuthSettings('token', SECRET, [])),
      new DeviceVerifierService(clock),
      pairing as unknown as PairingService,
      tailscale as unknown as TailscaleIdentityService,
      clock,
    );
    const socket = { bufferedAmount: 0, send: jest.fn(), close: jest.fn(), terminate: jest.fn() };
    const connection = new Connection('conn-1', socket as unknown as WebSocket, row.origin, NONCE, 1 << 20);
    return { service, limiter, pairing, connection };
  }

  const bucketOf = (origin: ConnectionOrigin) =>
    origin.tailscale ? `tailscale:${authBucketOf(origin.tailscale.clientIp)}` : authBucketOf(origin.clientAddress);

  describe('connect (authenticate)', () => {
    it.each(ROWS.map((row) => [row.name, row] as const))('%s', async (_name, row) => {
      // Arrange
      const { service, limiter, pairing, connection } = setUp(row);
      const failures = row.priorFailures ?? (row.countsAsFailure !== undefined ? AUTH_FAILURE_LIMIT - 1 : 0);
      const primed = row.failuresFrom ? authBucketOf(row.failuresFrom) : bucketOf(row.origin);
      for (let i = 0; i < failures; i++) limiter.recordFailure(primed);
      const frame: RequestFrame = { type: 'req', id: 'r1', method: 'connect', params: row.params() };

      // Act
      const outcome = await service.connect(frame, connection);

      // Assert
      const expected = row.expected;
      if (expected.ok) {
        expect(outcome).toMatchObject({ ok: true });
        if (!outcome.ok) return;
        expect(outcome.session.tailscaleLogin).toBe(expected.tailscaleLogin);
        expect(outcome.session.deviceId).toBe(expected.deviceId ? identity.deviceId : undefined);
        if (expected.deviceToken === 'none') expect(pairing.admitted.at(-1)?.deviceToken).toBeUndefined();
        if (expected.deviceToken === 'presented') expect(pairing.admitted.at(-1)?.deviceToken).toBe(DEVICE_TOKEN);
      } else {
        expect(outcome.ok).toBe(false);
        if (outcome.ok) return;
        expect(outcome.error.code).toBe(expected.code);
        if (expected.message) expect(outcome.error.message).toMatch(expected.message);
        if (expected.reason) expect(outcome.error.details).toEqual({ reason: expected.reason });
        expect(outcome.closeCode).toBe(expected.closeCode ?? 1008);
        if (expected.closeReason) expect(outcome.closeReason).toBe(expected.closeReason);
        expect(JSON.stringify(outcome.error)).not.toContain(SECRET);
      }
      if (row.countsAsFailure !== undefined) {
        expect(limiter.retryAfterMs(bucketOf(row.origin)) > 0).toBe(row.countsAsFailure);
      }
    });
  });

  describe('protocol negotiation', () => {
    it.each([
      [3, 3, 3],
      [3, 4, 4],
      [4, 4, 4],
      [1, 9, 4],
      [2, 3, 3],
    ])('offered %i..%i → speaks %i', async (minProtocol, maxProtocol, expected) => {
      const row: Row = { name: '', origin: REMOTE, params: () => ({}), expected: { ok: true } };
      const { service, connection } = setUp(row);
      const params = connectParams({ minProtocol, maxProtocol, auth: { token: SECRET } });

      const outcome = await service.connect({ type: 'req', id: 'r1', method: 'connect', params }, connection);

      expect(outcome.ok && outcome.session.protocol).toBe(expected);
    });

    it('tells a client outside 3..4 which versions to fall back to', async () => {
      const row: Row = { name: '', origin: REMOTE, params: () => ({}), expected: { ok: true } };
      const { service, connection } = setUp(row);
      const params = connectParams({ minProtocol: 1, maxProtocol: 2, auth: { token: SECRET } });

      const outcome = await service.connect({ type: 'req', id: 'r1', method: 'connect', params }, connection);

      expect(outcome.ok).toBe(false);
      expect(!outcome.ok && outcome.error.details).toEqual({
        code: 'PROTOCOL_MISMATCH',
        clientMinProtocol: 1,
        clientMaxProtocol: 2,
        expectedProtocol: 4,
        minimumProbeProtocol: 3,
      });
    });
  });

  it('decides concurrent attempts against the budget before the first whois answers', async () => {
    // Arrange: a whois that only answers when told to.
    const row: Row = {
      name: '',
      origin: SERVE,
      params: () => ({}),
      tailscale: { enabled: true, confirms: false },
      expected: { ok: true },
    };
    const { service, limiter, connection } = setUp(row);
    let answer!: () => void;
    const gate = new Promise<void>((resolve) => (answer = resolve));
    (service as unknown as { tailscaleIdentity: { verify: () => Promise<undefined> } }).tailscaleIdentity.verify = () =>
      gate.then(() => undefined);
    const frame = (i: number): RequestFrame => ({
      type: 'req',
      id: `r${i}`,
      method: 'connect',
      params: connectParams({ auth: { token: `guess-${i}` } }),
    });

    // Act
    const pending = Array.from({ length: 50 }, (_, i) => service.connect(frame(i), connection));
    answer();
    const outcomes = await Promise.all(pending);

    // Assert
    const codes = outcomes.map((o) => (o.ok ? 'ok' : o.error.code));
    expect(codes.filter((c) => c === 'RATE_LIMITED')).toHaveLength(50 - AUTH_FAILURE_LIMIT);
    expect(codes.filter((c) => c === 'INVALID_REQUEST')).toHaveLength(AUTH_FAILURE_LIMIT);
    expect(limiter.retryAfterMs(bucketOf(SERVE))).toBeGreaterThan(0);
  });
});
