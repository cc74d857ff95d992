import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { IdSource } from '../../common/ids';
import { peerText } from '../../common/logs';
import { GatewayEvent } from '../../common/protocol';
import { Broadcaster } from '../gateway/broadcaster';
import { hashDeviceToken, matchTokenHash, newDeviceToken } from './device-tokens';
import { NodePairRequestParams } from './dto/node-pair.params';
import { PairingErrors } from './pairing.errors';
import { PairingRepository } from './pairing.repository';
import { PAIRING_REQUEST_TTL_MS } from './pairing.service';
import type { NodePairRequest } from './pairing.types';

/**
 * The explicit node.pair.* store for clients that ask for it (PROTOCOL.md):
 * it never gates the WebSocket handshake; approving hands out a token once,
 * which node.pair.verify checks later.
 */
@Injectable()
export class NodePairingService {
  private readonly logger = new Logger('Pairing');
  constructor(
    private readonly repo: PairingRepository,
    private readonly clock: Clock,
    private readonly broadcaster: Broadcaster,
    private readonly ids: IdSource,
  ) {}

  request(params: NodePairRequestParams, remoteIp: string): { status: 'pending'; requestId: string; created: boolean } {
    const now = this.clock.now();
    this.repo.deleteExpiredNodeRequests(now);
    const existing = this.repo.findNodeRequestByStatus(params.nodeId, 'pending');
    const request: NodePairRequest = {
      requestId: existing?.requestId ?? this.ids.next(),
      nodeId: params.nodeId,
      displayName: params.displayName,
      platform: params.platform,
      version: params.version,
      caps: params.caps ?? [],
      commands: params.commands ?? [],
      remoteIp,
      status: 'pending',
      createdAtMs: existing?.createdAtMs ?? now,
      expiresAtMs: now + PAIRING_REQUEST_TTL_MS,
    };
    this.repo.saveNodeRequest(request);
    if (!existing) {
      this.broadcaster.broadcast(GatewayEvent.NodePairRequested, { ...request, ts: now });
      this.logger.log(
        `node pairing request ${request.requestId}: node ${peerText(request.nodeId)} named ${peerText(request.displayName)}, platform ${peerText(request.platform)}, from ${remoteIp ?? 'unknown address'}; approve with \`nestclaw nodes approve ${request.requestId}\``,
      );
    }
    return { status: 'pending', requestId: request.requestId, created: !existing };
  }

  list(): { pending: NodePairRequest[]; paired: NodePairRequest[] } {
    this.repo.deleteExpiredNodeRequests(this.clock.now());
    const all = this.repo.listNodeRequests().map(({ tokenHash: _hash, ...rest }) => rest);
    return { pending: all.filter((r) => r.status === 'pending'), paired: all.filter((r) => r.status === 'approved') };
  }

  approve(requestId: string): { requestId: string; nodeId: string; token: string } {
    const request = this.pending(requestId);
    const token = newDeviceToken();
    const now = this.clock.now();
    this.repo.saveNodeRequest({ ...request, status: 'approved', tokenHash: hashDeviceToken(token), resolvedAtMs: now });
    this.resolved(request, 'approved', now);
    return { requestId, nodeId: request.nodeId, token };
  }

  reject(requestId: string): { requestId: string; nodeId: string; rejected: true } {
    const request = this.pending(requestId);
    const now = this.clock.now();
    this.repo.saveNodeRequest({ ...request, status: 'rejected', resolvedAtMs: now });
    this.resolved(request, 'rejected', now);
    return { requestId, nodeId: request.nodeId, rejected: true };
  }

  verify(nodeId: string, token: string): { ok: boolean; nodeId: string } {
    const hashes = this.repo
      .listNodeRequests()
      .filter((r) => r.nodeId === nodeId && r.status === 'approved' && r.tokenHash)
      .map((r) => r.tokenHash!);
    return { ok: matchTokenHash(token, hashes) !== undefined, nodeId };
  }

  private pending(requestId: string): NodePairRequest {
    this.repo.deleteExpiredNodeRequests(this.clock.now());
    const request = this.repo.findNodeRequest(requestId);
    if (!request || request.status !== 'pending') throw PairingErrors.nodeRequestNotFound(requestId);
    return request;
  }

  private resolved(request: NodePairRequest, decision: 'approved' | 'rejected', now: number): void {
    this.broadcaster.broadcast(GatewayEvent.NodePairResolved, {
      requestId: request.requestId,
      nodeId: request.nodeId,
      decision,
      ts: now,
    });
  }
}
