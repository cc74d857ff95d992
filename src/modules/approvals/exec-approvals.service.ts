import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Observable, Subject, Subscription } from 'rxjs';
import { Clock } from '../../common/clock';
import { IdSource } from '../../common/ids';
import {
  DEFAULT_EXEC_APPROVAL_TIMEOUT_MS,
  type ExecApprovalAnswer,
  type ExecApprovalDecision,
  type ExecApprovalReason,
  GatewayEvent,
  MAX_EXEC_APPROVAL_TIMEOUT_MS,
  MAX_PENDING_APPROVALS_PER_NODE,
  MIN_EXEC_APPROVAL_TIMEOUT_MS,
} from '../../common/protocol';
import { Broadcaster } from '../gateway/broadcaster';
import { mayReceive } from '../gateway/event-access';
import type { Connection } from '../gateway/connection/connection';
import { ConnectionRegistry } from '../gateway/connection/connection-registry';
import { ApprovalsErrors } from './approvals.errors';
import type { ExecApprovalAsk, ExecApprovalChange, ExecApprovalRequest, ExecApprovalResolution } from './approvals.types';
import { exactArgsPattern } from '../../common/exec/args-pattern';
import { HostExecApprovalsRepository } from './host-exec-approvals.repository';
import { HostApprovalsFileRepository } from './host-approvals-file.repository';

/** Waiting prompts at once; a runaway asker must not grow the gateway's memory. */
export const MAX_PENDING_APPROVALS = 100;
/** Settled requests remembered so a late answer hears "already resolved", not "unknown". */
const RECENT_LIMIT = 500;

export interface ExecApprovalAskOptions {
  /** The node connection that asked: its requests are withdrawn when it goes away. */
  connection?: Connection;
  /** Withdraws the request when aborted (the agent run ended). */
  signal?: AbortSignal;
}

/** A channel that puts prompts to people outside the gateway's connections (Telegram's approvers). */
export interface ExecApprovalRelay {
  /** For the "nobody can answer" message: where the relay would send prompts, e.g. "Telegram". */
  readonly name: string;
  /** Whether a prompt opened now would reach someone who can answer it. */
  reachable(): boolean;
}

interface Pending {
  request: ExecApprovalRequest;
  connection?: Connection;
  timer: NodeJS.Timeout;
  settle(answer: ExecApprovalAnswer): void;
  cleanup(): void;
}

/**
 * Pending exec approval prompts (docs/protocol.md, "Exec approvals"). They
 * live in memory: they expire within two minutes, and an asker that went
 * away with a restart is no longer waiting. What must outlive a restart, an
 * "allow always" for the gateway host, is stored in host_exec_approvals; a
 * node keeps its own in its exec-approvals.json.
 */
@Injectable()
export class ExecApprovalsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('ExecApprovals');
  private readonly pending = new Map<string, Pending>();
  private readonly recent = new Map<string, ExecApprovalResolution>();
  private readonly changes = new Subject<ExecApprovalChange>();
  /** Every request and resolution, for channels that relay prompts (Telegram). */
  readonly changes$: Observable<ExecApprovalChange> = this.changes.asObservable();
  private subscription?: Subscription;
  private readonly relays = new Set<ExecApprovalRelay>();

  constructor(
    private readonly clock: Clock,
    private readonly broadcaster: Broadcaster,
    private readonly connections: ConnectionRegistry,
    private readonly allowlist: HostExecApprovalsRepository,
    private readonly hostFile: HostApprovalsFileRepository,
    private readonly ids: IdSource,
  ) {}

  onModuleInit(): void {
    this.subscription = this.connections.changes$.subscribe((change) => {
      if (change.type === 'left') this.withdrawFrom(change.connection);
    });
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
    for (const id of [...this.pending.keys()]) this.settle(id, 'deny', null, 'withdrawn');
    this.changes.complete();
  }

  /** A relay counts as a way to reach an approver until the returned function removes it. */
  addRelay(relay: ExecApprovalRelay): () => void {
    this.relays.add(relay);
    return () => this.relays.delete(relay);
  }

  /**
   * Opens a prompt and resolves with its outcome: the first operator answer,
   * or deny when nobody answers in time or the asker goes away. Never rejects
   * once the prompt exists. Throws at once when nobody could see the prompt:
   * waiting out its expiry would only hide why the command did not run.
   */
  request(ask: ExecApprovalAsk, options: ExecApprovalAskOptions = {}): Promise<ExecApprovalAnswer> {
    if (!this.approverReachable()) throw ApprovalsErrors.noApprover([...this.relays].map((relay) => relay.name));
    if (this.pending.size >= MAX_PENDING_APPROVALS) throw ApprovalsErrors.tooMany(MAX_PENDING_APPROVALS);
    if (ask.nodeId !== undefined && this.pendingFor(ask.nodeId) >= MAX_PENDING_APPROVALS_PER_NODE) {
      throw ApprovalsErrors.tooManyForNode(ask.nodeId, MAX_PENDING_APPROVALS_PER_NODE);
    }
    const now = this.clock.now();
    const timeoutMs = boundedTimeout(ask.timeoutMs);
    const request: ExecApprovalRequest = {
      id: this.ids.next(),
      host: ask.host,
      ...(ask.nodeId !== undefined ? { nodeId: ask.nodeId } : {}),
      ...(ask.hostName !== undefined ? { hostName: ask.hostName } : {}),
      argv: [...ask.argv],
      cwd: ask.cwd ?? null,
      env: { ...(ask.env ?? {}) },
      ...(ask.resolvedPath !== undefined ? { resolvedPath: ask.resolvedPath } : {}),
      sessionKey: ask.sessionKey ?? null,
      createdAtMs: now,
      expiresAtMs: now + timeoutMs,
    };
    if (options.signal?.aborted)
      return Promise.resolve({ id: request.id, decision: 'deny', reason: 'withdrawn', decidedBy: null });

    const answer = new Promise<ExecApprovalAnswer>((resolve) => {
      const timer = setTimeout(() => this.settle(request.id, 'deny', null, 'expired'), timeoutMs);
      timer.unref?.();
      const onAbort = () => this.settle(request.id, 'deny', null, 'withdrawn');
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(request.id, {
        request,
        connection: options.connection,
        timer,
        settle: resolve,
        cleanup: () => options.signal?.removeEventListener('abort', onAbort),
      });
    });
    this.logger.log(`exec approval ${request.id}: ${describeHost(request)} asks to run ${JSON.stringify(request.argv[0])}`);
    this.broadcaster.broadcast(GatewayEvent.ExecApprovalRequested, request);
    this.changes.next({ type: 'requested', request });
    return answer;
  }

  /** An operator's answer; the first one wins. */
  resolve(id: string, decision: ExecApprovalDecision, decidedBy: string): ExecApprovalResolution {
    if (!this.pending.has(id)) {
      const earlier = this.recent.get(id);
      throw earlier ? ApprovalsErrors.alreadyResolved(earlier) : ApprovalsErrors.unknown(id);
    }
    return this.settle(id, decision, decidedBy, 'decided')!;
  }

  /** Waiting prompts, oldest first. */
  list(): ExecApprovalRequest[] {
    return [...this.pending.values()].map((entry) => entry.request).sort((a, b) => a.createdAtMs - b.createdAtMs);
  }

  get(id: string): ExecApprovalRequest | undefined {
    return this.pending.get(id)?.request;
  }

  /** An operator connection that receives exec.approval.requested, or a relay with someone to send the prompt to. */
  private approverReachable(): boolean {
    for (const connection of this.connections.all()) {
      const session = connection.session;
      if (session && mayReceive(GatewayEvent.ExecApprovalRequested, session)) return true;
    }
    for (const relay of this.relays) if (relay.reachable()) return true;
    return false;
  }

  /** Bounded by MAX_PENDING_APPROVALS, so counting is cheap enough to need no second index. */
  private pendingFor(nodeId: string): number {
    let count = 0;
    for (const entry of this.pending.values()) if (entry.request.nodeId === nodeId) count++;
    return count;
  }

  /**
   * Whether an operator allowed this program with arguments like these for
   * good on the gateway host: an "allow always" answer, or an entry in the
   * host's exec-approvals.json (exec.approvals.set), read now so an edit applies at once.
   */
  isAllowedOnGateway(argv: readonly string[]): boolean {
    return this.allowlist.allows(argv[0], argv.slice(1)) || this.hostFile.allows(argv);
  }

  private settle(
    id: string,
    decision: ExecApprovalDecision,
    decidedBy: string | null,
    reason: ExecApprovalReason,
  ): ExecApprovalResolution | undefined {
    const entry = this.pending.get(id);
    if (!entry) return undefined;
    this.pending.delete(id);
    clearTimeout(entry.timer);
    entry.cleanup();
    const { request } = entry;
    // The gateway host enforces its own allowlist; a node is told and records it in its own file.
    // "Always" is for this program with exactly these arguments: approving `less file` must not approve `less -o`.
    if (decision === 'allow-always' && request.host === 'gateway') {
      this.allowlist.add(request.argv[0], exactArgsPattern(request.argv.slice(1)), decidedBy, this.clock.now());
    }
    const resolution: ExecApprovalResolution = { id, decision, decidedBy, reason, ts: this.clock.now() };
    this.remember(resolution);
    this.logger.log(`exec approval ${id}: ${decision}${reason === 'decided' ? ` by ${decidedBy}` : ` (${reason})`}`);
    entry.settle({ id, decision, reason, decidedBy });
    this.broadcaster.broadcast(GatewayEvent.ExecApprovalResolved, resolution);
    this.changes.next({ type: 'resolved', request, resolution });
    return resolution;
  }

  private remember(resolution: ExecApprovalResolution): void {
    this.recent.set(resolution.id, resolution);
    if (this.recent.size > RECENT_LIMIT) this.recent.delete(this.recent.keys().next().value!);
  }

  /** A node that disconnected cannot receive its answer, so its prompts end now. */
  private withdrawFrom(connection: Connection): void {
    for (const [id, entry] of [...this.pending]) {
      if (entry.connection === connection) this.settle(id, 'deny', null, 'withdrawn');
    }
  }
}

function boundedTimeout(requested: number | undefined): number {
  if (requested === undefined) return DEFAULT_EXEC_APPROVAL_TIMEOUT_MS;
  return Math.min(Math.max(Math.floor(requested), MIN_EXEC_APPROVAL_TIMEOUT_MS), MAX_EXEC_APPROVAL_TIMEOUT_MS);
}

function describeHost(request: ExecApprovalRequest): string {
  return request.host === 'gateway' ? 'the gateway host' : `node ${request.hostName ?? request.nodeId}`;
}
