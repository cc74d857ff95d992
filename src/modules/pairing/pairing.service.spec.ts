import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Clock } from '../../common/clock';
import { IdSource } from '../../common/ids';
import { loadConfig } from '../../common/config';
import { Broadcaster } from '../gateway/broadcaster';
import { admittedConnection, recordingSocket } from '../../../test/support/admitted-connection';
import { ConnectionRegistry } from '../gateway/connection/connection-registry';
import { GatewayRuntime } from '../config/gateway-runtime';
import { toErrorShape } from '../gateway/rpc/wire-errors';
import { DatabaseService } from '../state/database.service';
import { PairingRepository } from './pairing.repository';
import { PairingError } from './pairing.errors';
import { AdmissionRequest, DeviceAuth, LAST_SEEN_RESOLUTION_MS, PairingService } from './pairing.service';

class FakeClock extends Clock {
  current = 1_700_000_000_000;
  override now(): number {
    return this.current;
  }
}

const DEVICE = 'a'.repeat(64);
const OTHER = 'b'.repeat(64);

function request(overrides: Partial<AdmissionRequest> = {}): AdmissionRequest {
  return {
    deviceId: DEVICE,
    publicKey: 'key-a',
    role: 'operator',
    scopes: ['operator.read'],
    client: { id: 'cli', version: '1', platform: 'linux', mode: 'cli', displayName: 'Laptop' },
    remoteIp: '203.0.113.5',
    isLocal: false,
    ...overrides,
  };
}

/** What a row of the table expects from admit(). */
type Expectation =
  | { admitted: true; sameToken?: boolean; scopes?: string[] }
  | { admitted: false; code: string; reason?: string; pendingRequest?: boolean };

interface Row {
  name: string;
  /** Prepares the store through the service's own API; returns a token the request may present. */
  given: (service: PairingService) => string | undefined;
  request: (token: string | undefined) => Partial<AdmissionRequest>;
  expected: Expectation;
}

/** Pairs DEVICE as an operator with read+write (local, so silently), keeping the token it was issued. */
const pairedOperator = (service: PairingService) =>
  service.admit(request({ isLocal: true, scopes: ['operator.read', 'operator.write'] })).deviceToken;

const ROWS: Row[] = [
  {
    name: 'an unknown remote device → pending request, NOT_PAIRED',
    given: () => undefined,
    request: () => ({}),
    expected: { admitted: false, code: 'NOT_PAIRED', pendingRequest: true },
  },
  {
    name: 'an unknown local device → approved silently, token issued',
    given: () => undefined,
    request: () => ({ isLocal: true }),
    expected: { admitted: true, scopes: ['operator.read'] },
  },
  {
    name: 'a paired device within its scopes (shared secret) → new token',
    given: pairedOperator,
    request: () => ({ scopes: ['operator.write'] }),
    expected: { admitted: true, sameToken: false, scopes: ['operator.write'] },
  },
  {
    name: 'a paired device asking more with the shared secret → upgraded silently',
    given: pairedOperator,
    request: () => ({ scopes: ['operator.admin'] }),
    expected: { admitted: true, scopes: ['operator.admin'] },
  },
  {
    name: 'its own current device token → admitted with that token and its scopes',
    given: pairedOperator,
    request: (token) => ({ deviceToken: token }),
    expected: { admitted: true, sameToken: true, scopes: ['operator.read', 'operator.write'] },
  },
  {
    name: 'its own device token asking beyond it → NOT_PAIRED, pending request',
    given: pairedOperator,
    request: (token) => ({ deviceToken: token, scopes: ['operator.admin'] }),
    expected: { admitted: false, code: 'NOT_PAIRED', pendingRequest: true },
  },
  {
    name: 'a rotated device token → device-token-mismatch',
    given: (service) => {
      const old = pairedOperator(service);
      service.rotateToken(DEVICE, 'operator');
      return old;
    },
    request: (token) => ({ deviceToken: token }),
    expected: { admitted: false, code: 'INVALID_REQUEST', reason: 'device-token-mismatch' },
  },
  {
    name: 'a revoked device token → device-token-revoked',
    given: (service) => {
      const old = pairedOperator(service);
      service.revoke(DEVICE, { role: 'operator' });
      return old;
    },
    request: (token) => ({ deviceToken: token }),
    expected: { admitted: false, code: 'INVALID_REQUEST', reason: 'device-token-revoked' },
  },
  {
    name: 'a device token of a device the gateway does not know (state reset) → device-token-revoked',
    given: () => 'ncd_from-a-previous-life',
    request: (token) => ({ deviceToken: token }),
    expected: { admitted: false, code: 'INVALID_REQUEST', reason: 'device-token-revoked' },
  },
  {
    name: "another paired device's token → refused, tokens are bound to their device",
    given: (service) => {
      pairedOperator(service);
      return service.admit(request({ deviceId: OTHER, publicKey: 'key-b', isLocal: true })).deviceToken;
    },
    request: (token) => ({ deviceToken: token }),
    expected: { admitted: false, code: 'INVALID_REQUEST', reason: 'device-token-mismatch' },
  },
  {
    name: 'an operator token used for the node role → device-token-revoked (no node token)',
    given: pairedOperator,
    request: (token) => ({ deviceToken: token, role: 'node', scopes: [] }),
    expected: { admitted: false, code: 'INVALID_REQUEST', reason: 'device-token-revoked' },
  },
];

describe(PairingService.name, () => {
  let stateDir: string;
  let database: DatabaseService;
  let clock: FakeClock;
  let connections: ConnectionRegistry;
  let service: PairingService;

  beforeEach(() => {
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nestclaw-pairing-'));
    const config = loadConfig({ env: { NESTCLAW_STATE_DIR: stateDir }, homeDir: stateDir, readFile: () => undefined });
    database = new DatabaseService(new GatewayRuntime(config, ['127.0.0.1'], Date.now(), 'test', 'host'), new Clock());
    clock = new FakeClock();
    connections = new ConnectionRegistry();
    service = new PairingService(
      new PairingRepository(database),
      clock,
      new Broadcaster(connections),
      connections,
      new IdSource(),
    );
  });
  afterEach(() => {
    database.onModuleDestroy();
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  describe('admit', () => {
    it.each(ROWS.map((row) => [row.name, row] as const))('%s', (_name, row) => {
      // Arrange
      const token = row.given(service);

      // Act
      let auth: DeviceAuth | undefined;
      let error: PairingError | undefined;
      try {
        auth = service.admit(request(row.request(token)));
      } catch (caught) {
        error = caught as PairingError;
      }

      // Assert
      const expected = row.expected;
      if (expected.admitted) {
        expect(error).toBeUndefined();
        expect(auth!.deviceToken).toMatch(/^ncd_/);
        if (expected.sameToken !== undefined) expect(auth!.deviceToken === token).toBe(expected.sameToken);
        if (expected.scopes) expect(auth!.scopes).toEqual(expected.scopes);
        return;
      }
      expect(error).toBeInstanceOf(PairingError);
      // Checked as the client sees it: the wire code comes from the gateway's one mapping.
      const shape = toErrorShape(error).shape;
      expect(shape.code).toBe(expected.code);
      expect(shape.message).not.toContain(token ?? 'no token given');
      if (expected.reason) expect(shape.details).toEqual({ reason: expected.reason });
      if (expected.pendingRequest) {
        const requestId = (shape.details as { requestId: string }).requestId;
        expect(service.list().pending.map((p) => p.requestId)).toEqual([requestId]);
      }
    });

    it('admits a token that was just issued, but no longer after a rotate', () => {
      // Arrange
      const first = pairedOperator(service);
      expect(service.admit(request({ deviceToken: first })).deviceToken).toBe(first);

      // Act
      const rotated = service.rotateToken(DEVICE, 'operator');

      // Assert
      expect(service.admit(request({ deviceToken: rotated.deviceToken })).deviceToken).toBe(rotated.deviceToken);
      expect(() => service.admit(request({ deviceToken: first }))).toThrow(/device token mismatch/);
    });
  });

  describe('admit with the shared secret, again', () => {
    it('hands back the token it issued when role and scopes are unchanged, without storing another', () => {
      // Arrange
      const first = pairedOperator(service);

      // Act
      const again = service.admit(request({ scopes: ['operator.write', 'operator.read'] }));

      // Assert
      expect(again.deviceToken).toBe(first);
      expect(service.admit(request({ deviceToken: first })).deviceToken).toBe(first);
    });

    it('issues a new token when the scopes differ, or after a rotate or a revoke', () => {
      // Arrange
      const first = pairedOperator(service);

      // Act
      const narrower = service.admit(request({ scopes: ['operator.read'] })).deviceToken;
      service.rotateToken(DEVICE, 'operator');
      const afterRotate = service.admit(request({ scopes: ['operator.read'] })).deviceToken;
      service.revoke(DEVICE, { role: 'operator' });
      const afterRevoke = service.admit(request({ scopes: ['operator.read'] })).deviceToken;

      // Assert
      expect(new Set([first, narrower, afterRotate, afterRevoke]).size).toBe(4);
      expect(service.admit(request({ deviceToken: afterRevoke })).deviceToken).toBe(afterRevoke);
      expect(() => service.admit(request({ deviceToken: afterRotate }))).toThrow(PairingError);
    });
  });

  describe('last seen', () => {
    const stored = () => new PairingRepository(database).findDevice(DEVICE)!;

    it('writes a reconnect from the same address at most once per LAST_SEEN_RESOLUTION_MS', () => {
      // Arrange
      const token = pairedOperator(service);
      const pairedAt = clock.current;

      // Act
      clock.current += LAST_SEEN_RESOLUTION_MS - 1;
      service.admit(request({ deviceToken: token }));
      const withinResolution = stored().lastSeenAtMs;
      clock.current += 1;
      service.admit(request({ deviceToken: token }));

      // Assert
      expect(withinResolution).toBe(pairedAt);
      expect(stored().lastSeenAtMs).toBe(clock.current);
      expect(service.findPairedDevice(DEVICE)!.lastSeenAtMs).toBe(clock.current);
    });

    it('writes a new address at once, and shows it to readers of the paired list', () => {
      // Arrange
      pairedOperator(service);
      clock.current += 1_000;

      // Act
      service.admit(request({ remoteIp: '198.51.100.7', scopes: ['operator.read'] }));

      // Assert
      expect(stored()).toMatchObject({ remoteIp: '198.51.100.7', lastSeenAtMs: clock.current });
      expect(service.listPairedDevices()[0]).toMatchObject({ remoteIp: '198.51.100.7', lastSeenAtMs: clock.current });
    });
  });

  describe('rotateToken', () => {
    it("closes the device's sessions of that role on the next turn, after its answer", async () => {
      // Arrange
      pairedOperator(service);
      const socket = recordingSocket();
      const connection = admittedConnection('c1', { deviceId: DEVICE }, socket);
      connections.add(connection);

      // Act
      const rotated = service.rotateToken(DEVICE, 'operator');

      // Assert
      expect(rotated.disconnected).toBe(1);
      expect(socket.close).not.toHaveBeenCalled();
      await new Promise((resolve) => setImmediate(resolve));
      expect(socket.close).toHaveBeenCalledWith(1008, 'device token rotated');
    });
  });
});
