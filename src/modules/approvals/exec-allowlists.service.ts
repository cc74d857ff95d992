import { Injectable, Logger } from '@nestjs/common';
import { parseExecApprovalsValue } from '../../common/exec/exec-approvals-file';
import { NodesError } from '../nodes/nodes.errors';
import { NodesService } from '../nodes/nodes.service';
import type { NodeError } from '../nodes/nodes.types';
import { ApprovalsErrors } from './approvals.errors';
import type { AllowlistSnapshot } from './approvals.types';
import { HostApprovalsFileRepository } from './host-approvals-file.repository';

const GET = 'system.execApprovals.get';
const SET = 'system.execApprovals.set';
/** A node's refusal is passed on to operators; a hostile node gets no more room than this. */
const MAX_NODE_MESSAGE = 500;

/**
 * `exec.approvals.*` (docs/protocol.md, "Exec allowlists"): the gateway
 * host's file here, a node's relayed to that node, which validates it again,
 * owns the file and may refuse (`node run --no-remote-policy`).
 */
@Injectable()
export class ExecAllowlistsService {
  private readonly logger = new Logger('ExecAllowlists');

  constructor(
    private readonly hostFile: HostApprovalsFileRepository,
    private readonly nodes: NodesService,
  ) {}

  getGateway(): AllowlistSnapshot {
    const snapshot = this.hostFile.snapshot();
    if (!snapshot) throw ApprovalsErrors.gatewayFileUnusable(this.hostFile.problem() ?? 'unknown');
    return { ...snapshot, path: 'exec-approvals.json' };
  }

  setGateway(file: unknown, baseHash: string | undefined, by: string): AllowlistSnapshot {
    const outcome = this.hostFile.replace(file, baseHash);
    if (!outcome.ok) throw ApprovalsErrors.allowlistRefused(outcome.message, outcome.reason);
    this.logger.log(`gateway host exec allowlist replaced by ${by}`);
    return { ...outcome.snapshot, path: 'exec-approvals.json' };
  }

  async getNode(nodeId: string): Promise<AllowlistSnapshot> {
    return this.relay(nodeId, GET, {});
  }

  async setNode(nodeId: string, file: unknown, baseHash: string | undefined, by: string): Promise<AllowlistSnapshot> {
    // Checked here too, so an operator's mistake is named even by a node that answers vaguely.
    const parsed = parseExecApprovalsValue(file);
    if (!parsed.ok) throw ApprovalsErrors.allowlistRefused(`the approvals file was refused: ${parsed.problem}`, 'invalid-file');
    const snapshot = await this.relay(nodeId, SET, { file, ...(baseHash !== undefined ? { baseHash } : {}) });
    this.logger.log(`exec allowlist of node ${nodeId} replaced by ${by}`);
    return snapshot;
  }

  private async relay(nodeId: string, command: string, params: unknown): Promise<AllowlistSnapshot> {
    let payload: unknown;
    try {
      ({ payload } = await this.nodes.invokePolicyCommand(nodeId, command, params));
    } catch (error) {
      const nodeError = nodeErrorOf(error);
      if (nodeError) throw ApprovalsErrors.nodeRefused(nodeId, nodeError.code, nodeError.message.slice(0, MAX_NODE_MESSAGE));
      throw error;
    }
    return nodeSnapshot(nodeId, payload);
  }
}

function nodeErrorOf(error: unknown): NodeError | undefined {
  return error instanceof NodesError ? error.nodeError : undefined;
}

/** What a node answered is a peer's claim: only a well-formed snapshot reaches operators. */
function nodeSnapshot(nodeId: string, payload: unknown): AllowlistSnapshot {
  const record = (typeof payload === 'object' && payload !== null ? payload : {}) as Record<string, unknown>;
  const parsed = parseExecApprovalsValue(record.file);
  if (
    !parsed.ok ||
    parsed.legacy ||
    typeof record.path !== 'string' ||
    record.path.length > 4_096 ||
    typeof record.exists !== 'boolean' ||
    typeof record.hash !== 'string' ||
    !/^[0-9a-f]{64}$/.test(record.hash)
  ) {
    throw ApprovalsErrors.badNodeSnapshot(nodeId);
  }
  return {
    path: record.path,
    exists: record.exists,
    hash: record.hash,
    file: parsed.file,
    ...(typeof record.remoteEdits === 'boolean' ? { remoteEdits: record.remoteEdits } : {}),
    ...(record.migrated === true ? { migrated: true } : {}),
  };
}
