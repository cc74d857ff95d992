import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { IdSource } from '../../common/ids';
import { peerText } from '../../common/logs';
import { CloseCode, ClientInfo, GatewayEvent } from '../../common/protocol';
import { Broadcaster } from '../gateway/broadcaster';
import type { Connection } from '../gateway/connection/connection';
import { ConnectionRegistry } from '../gateway/connection/connection-registry';
import { hashDeviceToken, matchTokenHash, newDeviceToken } from './device-tokens';
import { PairingErrors } from './pairing.errors';
import { PairingRepository } from './pairing.repository';
import type { PairedDevice, PairingRequest } from './pairing.types';

export const PAIRING_REQUEST_TTL_MS = 5 * 60_000;
/** A device may hold a few live tokens per role, so concurrent clients on one machine do not invalidate each other. */
export const TOKENS_KEPT_PER_ROLE = 5;
/**
 * How fresh a device's lastSeenAtMs (and a token's lastUsedAtMs) is kept: a
 * client that reconnects often costs one SQLite write a minute instead of
 * one per connect. A new address is written at once.
 */
export const LAST_SEEN_RESOLUTION_MS = 60_000;

export interface AdmissionRequest {
  deviceId: string;
  publicKey: string;
  role: string;
  scopes: string[];
  client: ClientInfo;
  remoteIp: string;
  isLocal: boolean;
  /** How the connect proved itself: the gateway's shared secret, or a device token (given here). */
  deviceToken?: string;
}

export interface DeviceAuth {
  deviceToken: string;
  role: string;
  scopes: string[];
  issuedAtMs: number;
}

/**
 * Decides whether a verified device may connect, keeps the pairing state and
 * issues device tokens. Trust rules (docs/protocol.md, "Pairing"):
 * - paired for this role and scopes → in;
 * - local → approved silently;
 * - paired, authenticated with the shared secret, asking for more → upgraded
 *   silently (the secret's holder could approve it anyway);
 * - otherwise a pending request that the owner approves or rejects.
 */
@Injectable()
export class PairingService {
  private readonly logger = new Logger('Pairing');
  /**
   * Paired devices as last read from SQLite, by id in approval order: every
   * connect of a device and every node.list read them. Every method here that
   * may write a device (approve, rename, revoke...) drops it first, a touch
   * updates the cached row with the table, and nothing else writes the table.
   */
  private pairedCache?: Map<string, PairedDevice>;
  /**
   * The token last issued on connect per device and role, by this process.
   * A device that reconnects with the shared secret and the same scopes gets
   * it again instead of a new row and a prune on every connect (only hashes
   * are stored, so it cannot be read back from SQLite). Bounded by the paired
   * devices; rotate and revoke, the only other writers of tokens, drop it.
   */
  private readonly issuedOnConnect = new Map<string, DeviceAuth>();

  constructor(
    private readonly repo: PairingRepository,
    private readonly clock: Clock,
    private readonly broadcaster: Broadcaster,
    private readonly connections: ConnectionRegistry,
    private readonly ids: IdSource,
  ) {}

  /** Throws NOT_PAIRED (with a request id) or an invalid-token error; returns the hello-ok auth block. */
  admit(request: AdmissionRequest): DeviceAuth {
    const now = this.clock.now();
    const device = this.paired().get(request.deviceId);
    if (request.deviceToken !== undefined) return this.admitWithDeviceToken(request, device, now);

    if (device && covers(device, request.role, request.scopes)) {
      this.touch(device, request.remoteIp, now);
      return this.tokenOnConnect(device.deviceId, request.role, request.scopes, now);
    }
    if (request.isLocal || device) {
      this.pairedCache = undefined;
      const approved = this.approveDirectly(request, device, now);
      return this.tokenOnConnect(approved.deviceId, request.role, request.scopes, now);
    }
    throw PairingErrors.pairingRequired(this.openRequest(request, now).requestId, request.deviceId);
  }

  hasDeviceTokens(deviceId: string, role: string): boolean {
    return this.repo.tokensFor(deviceId, role).length > 0;
  }

  list(): { pending: PairingRequest[]; paired: PairedDevice[] } {
    this.repo.deleteExpiredRequests(this.clock.now());
    return { pending: this.repo.listRequests(), paired: this.repo.listDevices() };
  }

  /** Read-only, unlike list(), which also clears expired requests. */
  listPairedDevices(): PairedDevice[] {
    return [...this.paired().values()].map(copyDevice);
  }

  findPairedDevice(deviceId: string): PairedDevice | undefined {
    const device = this.paired().get(deviceId);
    return device && copyDevice(device);
  }

  private paired(): Map<string, PairedDevice> {
    this.pairedCache ??= new Map(this.repo.listDevices().map((device) => [device.deviceId, device]));
    return this.pairedCache;
  }

  /** `device` is the cached row, kept equal to the table's. */
  private touch(device: PairedDevice, remoteIp: string, now: number): void {
    if (device.remoteIp === remoteIp && now - (device.lastSeenAtMs ?? 0) < LAST_SEEN_RESOLUTION_MS) return;
    this.repo.touchDevice(device.deviceId, remoteIp, now);
    device.remoteIp = remoteIp;
    device.lastSeenAtMs = now;
  }

  renameDevice(deviceId: string, displayName: string): boolean {
    this.pairedCache = undefined;
    return this.repo.renameDevice(deviceId, displayName);
  }

  approve(requestId: string): { requestId: string; device: PairedDevice } {
    this.pairedCache = undefined;
    const now = this.clock.now();
    this.repo.deleteExpiredRequests(now);
    const request = this.repo.findRequest(requestId);
    if (!request) throw PairingErrors.requestNotFound(requestId);
    const device = this.repo.transaction(() => {
      const merged = mergeDevice(this.repo.findDevice(request.deviceId), request, now);
      this.repo.saveDevice(merged);
      this.repo.deleteRequest(requestId);
      return merged;
    });
    this.resolved(requestId, request.deviceId, 'approved', false);
    return { requestId, device };
  }

  reject(requestId: string): { requestId: string; deviceId: string; rejected: true } {
    this.pairedCache = undefined;
    this.repo.deleteExpiredRequests(this.clock.now());
    const request = this.repo.findRequest(requestId);
    if (!request) throw PairingErrors.requestNotFound(requestId);
    this.repo.deleteRequest(requestId);
    this.resolved(requestId, request.deviceId, 'rejected', false);
    return { requestId, deviceId: request.deviceId, rejected: true };
  }

  /**
   * A fresh token for the operator to hand over; every older token of that
   * role stops working, and so do the sessions that hold one, as with revoke.
   */
  rotateToken(deviceId: string, role: string): DeviceAuth & { disconnected: number } {
    this.pairedCache = undefined;
    const device = this.repo.findDevice(deviceId);
    if (!device || !device.roles.includes(role)) throw PairingErrors.deviceNotPaired(deviceId);
    this.forgetIssued(deviceId, role);
    const issued = this.repo.transaction(() => {
      this.repo.deleteTokens(deviceId, role);
      return this.issueToken(deviceId, role, role === 'node' ? [] : device.scopes, this.clock.now());
    });
    return { ...issued, disconnected: this.disconnect(deviceId, role, 'device token rotated') };
  }

  /**
   * Revokes a device's tokens (of one role, or all); with unpair the pairing
   * goes too. Its live connections are closed either way: a revoked device
   * must not keep a session it could no longer open.
   */
  revoke(
    deviceId: string,
    options: { role?: string; unpair?: boolean },
  ): { deviceId: string; tokensRevoked: number; unpaired: boolean; disconnected: number } {
    this.pairedCache = undefined;
    const device = this.repo.findDevice(deviceId);
    if (!device) throw PairingErrors.deviceNotPaired(deviceId);
    this.forgetIssued(deviceId, options.role);
    const { tokensRevoked, unpaired } = this.repo.transaction(() => ({
      tokensRevoked: this.repo.deleteTokens(deviceId, options.role),
      unpaired: options.unpair ? this.repo.deleteDevice(deviceId) : false,
    }));
    return { deviceId, tokensRevoked, unpaired, disconnected: this.disconnect(deviceId, options.role, 'device revoked') };
  }

  /**
   * Every session of the device (and role) was opened with, or was handed, a
   * token that just stopped working. The close waits a turn so that a device
   * rotating or revoking itself still gets the answer.
   */
  private disconnect(deviceId: string, role: string | undefined, reason: string): number {
    const doomed = [...this.connections.all()].filter((connection) => {
      const session = connection.session;
      return session?.deviceId === deviceId && (!role || session.role === role);
    });
    if (doomed.length > 0)
      setImmediate(() => doomed.forEach((connection: Connection) => connection.close(CloseCode.Policy, reason)));
    return doomed.length;
  }

  private admitWithDeviceToken(request: AdmissionRequest, device: PairedDevice | undefined, now: number): DeviceAuth {
    const tokens = this.repo.tokensFor(request.deviceId, request.role);
    const hash = matchTokenHash(
      request.deviceToken!,
      tokens.map((t) => t.tokenHash),
    );
    const record = tokens.find((t) => t.tokenHash === hash);
    if (!device || tokens.length === 0) throw PairingErrors.deviceTokenRevoked();
    if (!record) throw PairingErrors.deviceTokenMismatch();
    // A token is good for what it was issued for; asking for more needs the owner (or the shared secret).
    if (!covers({ roles: [record.role], scopes: record.scopes }, request.role, request.scopes)) {
      throw PairingErrors.pairingRequired(this.openRequest(request, now).requestId, request.deviceId);
    }
    if (record.lastUsedAtMs === undefined || now - record.lastUsedAtMs >= LAST_SEEN_RESOLUTION_MS) {
      this.repo.markTokenUsed(record.tokenHash, now);
    }
    this.touch(device, request.remoteIp, now);
    return { deviceToken: request.deviceToken!, role: record.role, scopes: record.scopes, issuedAtMs: record.issuedAtMs };
  }

  private approveDirectly(request: AdmissionRequest, existing: PairedDevice | undefined, now: number): PairedDevice {
    const pending = this.repo.findRequestForDevice(request.deviceId);
    const requestId = pending?.requestId ?? this.ids.next();
    const merged = mergeDevice(existing, { ...describe(request), requestId, createdAtMs: now, expiresAtMs: now }, now);
    this.repo.transaction(() => {
      this.repo.saveDevice(merged);
      if (pending) this.repo.deleteRequest(pending.requestId);
    });
    this.resolved(requestId, request.deviceId, 'approved', true);
    return merged;
  }

  private openRequest(request: AdmissionRequest, now: number): PairingRequest {
    this.repo.deleteExpiredRequests(now);
    const existing = this.repo.findRequestForDevice(request.deviceId);
    const next: PairingRequest = {
      ...describe(request),
      requestId: existing?.requestId ?? this.ids.next(),
      role: request.role,
      scopes: existing && existing.role === request.role ? union(existing.scopes, request.scopes) : request.scopes,
      createdAtMs: existing?.createdAtMs ?? now,
      expiresAtMs: now + PAIRING_REQUEST_TTL_MS,
    };
    this.repo.saveRequest(next);
    if (!existing) {
      this.broadcaster.broadcast(GatewayEvent.DevicePairRequested, { ...withoutKey(next), ts: now });
      this.logger.log(
        `device pairing request ${next.requestId}: ${peerText(next.displayName)} (${peerText(next.platform)}, ${next.clientId}) from ${next.remoteIp ?? 'unknown address'} asks for role ${next.role}; approve with \`nestclaw devices approve ${next.requestId}\``,
      );
    }
    return next;
  }

  private tokenOnConnect(deviceId: string, role: string, scopes: string[], now: number): DeviceAuth {
    const key = issuedKey(deviceId, role);
    const last = this.issuedOnConnect.get(key);
    if (last && sameScopes(last.scopes, scopes)) return { ...last, scopes: [...last.scopes] };
    const issued = this.issueToken(deviceId, role, scopes, now);
    this.issuedOnConnect.set(key, { ...issued, scopes: [...scopes] });
    return issued;
  }

  private forgetIssued(deviceId: string, role: string | undefined): void {
    for (const key of [...this.issuedOnConnect.keys()]) {
      const [keyDevice, keyRole] = key.split('\n');
      if (keyDevice === deviceId && (role === undefined || keyRole === role)) this.issuedOnConnect.delete(key);
    }
  }

  private issueToken(deviceId: string, role: string, scopes: string[], now: number): DeviceAuth {
    const deviceToken = newDeviceToken();
    this.repo.saveToken({ tokenHash: hashDeviceToken(deviceToken), deviceId, role, scopes, issuedAtMs: now });
    this.repo.pruneTokens(deviceId, role, TOKENS_KEPT_PER_ROLE);
    return { deviceToken, role, scopes, issuedAtMs: now };
  }

  private resolved(requestId: string, deviceId: string, decision: 'approved' | 'rejected', auto: boolean): void {
    this.broadcaster.broadcast(GatewayEvent.DevicePairResolved, { requestId, deviceId, decision, auto, ts: this.clock.now() });
  }
}

/** Device ids are hex and roles are words, so a newline cannot occur in either. */
const issuedKey = (deviceId: string, role: string) => `${deviceId}\n${role}`;

function sameScopes(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((scope) => b.includes(scope));
}

/** A paired role and scope set covers a request when the role is there and every scope is (admin covers all). */
function covers(granted: Pick<PairedDevice, 'roles' | 'scopes'>, role: string, scopes: readonly string[]): boolean {
  if (!granted.roles.includes(role)) return false;
  if (granted.scopes.includes('operator.admin')) return true;
  return scopes.every((scope) => granted.scopes.includes(scope));
}

function describe(request: AdmissionRequest): Omit<PairingRequest, 'requestId' | 'createdAtMs' | 'expiresAtMs'> {
  return {
    deviceId: request.deviceId,
    publicKey: request.publicKey,
    role: request.role,
    scopes: request.scopes,
    displayName: request.client.displayName,
    platform: request.client.platform,
    clientId: request.client.id,
    clientMode: request.client.mode,
    remoteIp: request.remoteIp,
  };
}

function mergeDevice(existing: PairedDevice | undefined, request: PairingRequest, now: number): PairedDevice {
  return {
    deviceId: request.deviceId,
    publicKey: request.publicKey,
    roles: union(existing?.roles ?? [], [request.role]),
    scopes: union(existing?.scopes ?? [], request.scopes),
    displayName: existing?.displayName ?? request.displayName,
    platform: request.platform,
    clientId: request.clientId,
    clientMode: request.clientMode,
    remoteIp: request.remoteIp,
    createdAtMs: existing?.createdAtMs ?? now,
    approvedAtMs: now,
    lastSeenAtMs: now,
  };
}

function union(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])];
}

function withoutKey(request: PairingRequest): Omit<PairingRequest, 'publicKey'> {
  const { publicKey: _publicKey, ...rest } = request;
  return rest;
}

/** Callers get their own copy: the cache must not change under them, nor they the cache. */
function copyDevice(device: PairedDevice): PairedDevice {
  return { ...device, roles: [...device.roles], scopes: [...device.scopes] };
}
