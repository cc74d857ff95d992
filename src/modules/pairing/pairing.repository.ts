import { Injectable } from '@nestjs/common';
import type Database from 'better-sqlite3';
import { DatabaseService } from '../state/database.service';
import { optional, Row } from '../state/sql-row';
import type { DeviceTokenRecord, NodePairRequest, NodePairStatus, PairedDevice, PairingRequest } from './pairing.types';

/** SQLite storage for pairing; tokens only ever as hashes. */
@Injectable()
export class PairingRepository {
  private readonly db: Database.Database;

  constructor(database: DatabaseService) {
    this.db = database.db;
  }

  findDevice(deviceId: string): PairedDevice | undefined {
    const row = this.db.prepare('SELECT * FROM paired_devices WHERE device_id = ?').get(deviceId) as Row | undefined;
    return row ? toDevice(row) : undefined;
  }

  listDevices(): PairedDevice[] {
    return (this.db.prepare('SELECT * FROM paired_devices ORDER BY approved_at_ms').all() as Row[]).map(toDevice);
  }

  saveDevice(device: PairedDevice): void {
    this.db
      .prepare(
        `INSERT INTO paired_devices (device_id, public_key, roles, scopes, display_name, platform, client_id, client_mode,
           remote_ip, created_at_ms, approved_at_ms, last_seen_at_ms)
         VALUES (@deviceId, @publicKey, @roles, @scopes, @displayName, @platform, @clientId, @clientMode,
           @remoteIp, @createdAtMs, @approvedAtMs, @lastSeenAtMs)
         ON CONFLICT(device_id) DO UPDATE SET public_key = excluded.public_key, roles = excluded.roles,
           scopes = excluded.scopes, display_name = excluded.display_name, platform = excluded.platform,
           client_id = excluded.client_id, client_mode = excluded.client_mode, remote_ip = excluded.remote_ip,
           approved_at_ms = excluded.approved_at_ms, last_seen_at_ms = excluded.last_seen_at_ms`,
      )
      .run({ ...nullable(device, DEVICE_COLUMNS), roles: JSON.stringify(device.roles), scopes: JSON.stringify(device.scopes) });
  }

  touchDevice(deviceId: string, remoteIp: string, atMs: number): void {
    this.db
      .prepare('UPDATE paired_devices SET last_seen_at_ms = ?, remote_ip = ? WHERE device_id = ?')
      .run(atMs, remoteIp, deviceId);
  }

  renameDevice(deviceId: string, displayName: string): boolean {
    return (
      this.db.prepare('UPDATE paired_devices SET display_name = ? WHERE device_id = ?').run(displayName, deviceId).changes > 0
    );
  }

  deleteDevice(deviceId: string): boolean {
    return this.db.prepare('DELETE FROM paired_devices WHERE device_id = ?').run(deviceId).changes > 0;
  }

  findRequest(requestId: string): PairingRequest | undefined {
    const row = this.db.prepare('SELECT * FROM pairing_requests WHERE request_id = ?').get(requestId) as Row | undefined;
    return row ? toRequest(row) : undefined;
  }

  findRequestForDevice(deviceId: string): PairingRequest | undefined {
    const row = this.db.prepare('SELECT * FROM pairing_requests WHERE device_id = ?').get(deviceId) as Row | undefined;
    return row ? toRequest(row) : undefined;
  }

  listRequests(): PairingRequest[] {
    return (this.db.prepare('SELECT * FROM pairing_requests ORDER BY created_at_ms').all() as Row[]).map(toRequest);
  }

  saveRequest(request: PairingRequest): void {
    this.db
      .prepare(
        `INSERT INTO pairing_requests (request_id, device_id, public_key, role, scopes, display_name, platform,
           client_id, client_mode, remote_ip, created_at_ms, expires_at_ms)
         VALUES (@requestId, @deviceId, @publicKey, @role, @scopes, @displayName, @platform,
           @clientId, @clientMode, @remoteIp, @createdAtMs, @expiresAtMs)
         ON CONFLICT(request_id) DO UPDATE SET role = excluded.role, scopes = excluded.scopes,
           display_name = excluded.display_name, platform = excluded.platform, remote_ip = excluded.remote_ip,
           expires_at_ms = excluded.expires_at_ms`,
      )
      .run({ ...nullable(request, REQUEST_COLUMNS), scopes: JSON.stringify(request.scopes) });
  }

  deleteRequest(requestId: string): boolean {
    return this.db.prepare('DELETE FROM pairing_requests WHERE request_id = ?').run(requestId).changes > 0;
  }

  deleteExpiredRequests(nowMs: number): number {
    return this.db.prepare('DELETE FROM pairing_requests WHERE expires_at_ms <= ?').run(nowMs).changes;
  }

  tokensFor(deviceId: string, role: string): DeviceTokenRecord[] {
    return (
      this.db
        .prepare('SELECT * FROM device_tokens WHERE device_id = ? AND role = ? ORDER BY issued_at_ms DESC')
        .all(deviceId, role) as Row[]
    ).map(toToken);
  }

  saveToken(token: DeviceTokenRecord): void {
    this.db
      .prepare(
        `INSERT INTO device_tokens (token_hash, device_id, role, scopes, issued_at_ms, last_used_at_ms)
         VALUES (@tokenHash, @deviceId, @role, @scopes, @issuedAtMs, @lastUsedAtMs)`,
      )
      .run({ ...nullable(token, TOKEN_COLUMNS), scopes: JSON.stringify(token.scopes) });
  }

  markTokenUsed(tokenHash: string, atMs: number): void {
    this.db.prepare('UPDATE device_tokens SET last_used_at_ms = ? WHERE token_hash = ?').run(atMs, tokenHash);
  }

  /** Keeps the newest `keep` tokens of a device and role; older ones stop working. */
  pruneTokens(deviceId: string, role: string, keep: number): void {
    this.db
      .prepare(
        `DELETE FROM device_tokens WHERE device_id = ? AND role = ? AND token_hash NOT IN (
           SELECT token_hash FROM device_tokens WHERE device_id = ? AND role = ? ORDER BY issued_at_ms DESC LIMIT ?)`,
      )
      .run(deviceId, role, deviceId, role, keep);
  }

  deleteTokens(deviceId: string, role?: string): number {
    if (role === undefined) return this.db.prepare('DELETE FROM device_tokens WHERE device_id = ?').run(deviceId).changes;
    return this.db.prepare('DELETE FROM device_tokens WHERE device_id = ? AND role = ?').run(deviceId, role).changes;
  }

  findNodeRequest(requestId: string): (NodePairRequest & { tokenHash?: string }) | undefined {
    const row = this.db.prepare('SELECT * FROM node_pair_requests WHERE request_id = ?').get(requestId) as Row | undefined;
    return row ? toNodeRequest(row) : undefined;
  }

  findNodeRequestByStatus(nodeId: string, status: NodePairStatus): (NodePairRequest & { tokenHash?: string }) | undefined {
    const row = this.db
      .prepare('SELECT * FROM node_pair_requests WHERE node_id = ? AND status = ? ORDER BY created_at_ms DESC LIMIT 1')
      .get(nodeId, status) as Row | undefined;
    return row ? toNodeRequest(row) : undefined;
  }

  listNodeRequests(): Array<NodePairRequest & { tokenHash?: string }> {
    return (this.db.prepare('SELECT * FROM node_pair_requests ORDER BY created_at_ms').all() as Row[]).map(toNodeRequest);
  }

  saveNodeRequest(request: NodePairRequest & { tokenHash?: string }): void {
    this.db
      .prepare(
        `INSERT INTO node_pair_requests (request_id, node_id, display_name, platform, version, caps, commands, remote_ip,
           status, token_hash, created_at_ms, expires_at_ms, resolved_at_ms)
         VALUES (@requestId, @nodeId, @displayName, @platform, @version, @caps, @commands, @remoteIp,
           @status, @tokenHash, @createdAtMs, @expiresAtMs, @resolvedAtMs)
         ON CONFLICT(request_id) DO UPDATE SET display_name = excluded.display_name, platform = excluded.platform,
           version = excluded.version, caps = excluded.caps, commands = excluded.commands, remote_ip = excluded.remote_ip,
           status = excluded.status, token_hash = excluded.token_hash, expires_at_ms = excluded.expires_at_ms,
           resolved_at_ms = excluded.resolved_at_ms`,
      )
      .run({
        ...nullable(request, NODE_REQUEST_COLUMNS),
        caps: JSON.stringify(request.caps),
        commands: JSON.stringify(request.commands),
      });
  }

  deleteExpiredNodeRequests(nowMs: number): number {
    return this.db.prepare("DELETE FROM node_pair_requests WHERE status = 'pending' AND expires_at_ms <= ?").run(nowMs).changes;
  }

  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }
}

/**
 * better-sqlite3 refuses a missing or undefined named parameter; every
 * column the statement names goes in, absent optional fields as NULL.
 */
function nullable<T extends object>(value: T, columns: readonly (keyof T | string)[]): Record<string, unknown> {
  const record = value as Record<string, unknown>;
  return Object.fromEntries(columns.map((key) => [key as string, record[key as string] ?? null]));
}

const DEVICE_COLUMNS = [
  'deviceId',
  'publicKey',
  'displayName',
  'platform',
  'clientId',
  'clientMode',
  'remoteIp',
  'createdAtMs',
  'approvedAtMs',
  'lastSeenAtMs',
];
const REQUEST_COLUMNS = [
  'requestId',
  'deviceId',
  'publicKey',
  'role',
  'displayName',
  'platform',
  'clientId',
  'clientMode',
  'remoteIp',
  'createdAtMs',
  'expiresAtMs',
];
const TOKEN_COLUMNS = ['tokenHash', 'deviceId', 'role', 'issuedAtMs', 'lastUsedAtMs'];
const NODE_REQUEST_COLUMNS = [
  'requestId',
  'nodeId',
  'displayName',
  'platform',
  'version',
  'remoteIp',
  'status',
  'tokenHash',
  'createdAtMs',
  'expiresAtMs',
  'resolvedAtMs',
];

function toDevice(row: Row): PairedDevice {
  return {
    deviceId: row.device_id,
    publicKey: row.public_key,
    roles: JSON.parse(row.roles),
    scopes: JSON.parse(row.scopes),
    displayName: optional(row.display_name),
    platform: optional(row.platform),
    clientId: optional(row.client_id),
    clientMode: optional(row.client_mode),
    remoteIp: optional(row.remote_ip),
    createdAtMs: row.created_at_ms,
    approvedAtMs: row.approved_at_ms,
    lastSeenAtMs: optional(row.last_seen_at_ms),
  };
}

function toRequest(row: Row): PairingRequest {
  return {
    requestId: row.request_id,
    deviceId: row.device_id,
    publicKey: row.public_key,
    role: row.role,
    scopes: JSON.parse(row.scopes),
    displayName: optional(row.display_name),
    platform: optional(row.platform),
    clientId: optional(row.client_id),
    clientMode: optional(row.client_mode),
    remoteIp: optional(row.remote_ip),
    createdAtMs: row.created_at_ms,
    expiresAtMs: row.expires_at_ms,
  };
}

function toToken(row: Row): DeviceTokenRecord {
  return {
    tokenHash: row.token_hash,
    deviceId: row.device_id,
    role: row.role,
    scopes: JSON.parse(row.scopes),
    issuedAtMs: row.issued_at_ms,
    lastUsedAtMs: optional(row.last_used_at_ms),
  };
}

function toNodeRequest(row: Row): NodePairRequest & { tokenHash?: string } {
  return {
    requestId: row.request_id,
    nodeId: row.node_id,
    displayName: optional(row.display_name),
    platform: optional(row.platform),
    version: optional(row.version),
    caps: JSON.parse(row.caps),
    commands: JSON.parse(row.commands),
    remoteIp: optional(row.remote_ip),
    status: row.status,
    tokenHash: optional(row.token_hash),
    createdAtMs: row.created_at_ms,
    expiresAtMs: row.expires_at_ms,
    resolvedAtMs: optional(row.resolved_at_ms),
  };
}
