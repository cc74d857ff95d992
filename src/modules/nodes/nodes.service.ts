import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { Clock } from '../../common/clock';
import { IdSource } from '../../common/ids';
import { GatewayEvent, jsonTextTooDeep, MAX_EMBEDDED_JSON_DEPTH, serializeJson, withJsonText } from '../../common/protocol';
import { Broadcaster } from '../gateway/broadcaster';
import type { Connection } from '../gateway/connection/connection';
import { PairingService } from '../pairing/pairing.service';
import type { PairedDevice } from '../pairing/pairing.types';
import { DEFAULT_INVOKE_TIMEOUT_MS, MAX_INVOKE_TIMEOUT_MS } from './dto/invoke-node.params';
import { MAX_DISPLAY_NAME_LENGTH } from './dto/rename-node.params';
import { IdempotencyCache, RequestFingerprint } from './idempotency-cache';
import { NodeCommandPolicy } from './node-command-policy';
import { LiveNode, NodeDeparture, nodeIdOf, NodeRegistry } from './node-registry';
import { NodesError, NodesErrors } from './nodes.errors';
import type {
  InvokeNodeRequest,
  InvokeNodeResult,
  InvokeRequestEvent,
  InvokeResultReport,
  NodeError,
  NodeSummary,
} from './nodes.types';

export const IDEMPOTENCY_TTL_MS = 5 * 60_000;
export const IDEMPOTENCY_MAX_ENTRIES = 10_000;
/** In-memory names of unpaired nodes; a cap, since nothing else ever removes them. */
export const MAX_LOCAL_NAMES = 1_000;
/** In-memory departure times; a cap, since any node id that connects once leaves an entry. */
export const MAX_DEPARTURES = 1_000;

interface PendingInvoke {
  nodeId: string;
  command: string;
  connection: Connection;
  timer: NodeJS.Timeout;
  resolve(result: InvokeNodeResult): void;
  reject(error: NodesError): void;
}

/** A node found by id or name: live, paired, or both. */
interface NodeTarget {
  nodeId: string;
  live?: LiveNode;
  device?: PairedDevice;
}

/**
 * The nodes API for the RPC methods and the agent runtime: who is there,
 * and running a command on one of them (PROTOCOL.md and docs/protocol.md,
 * "Nodes").
 */
@Injectable()
export class NodesService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Nodes');
  private readonly pending = new Map<string, PendingInvoke>();
  private readonly idempotency: IdempotencyCache<InvokeNodeResult>;
  /** Names given to unpaired nodes: there is no device record to keep them in, so they last until restart. */
  private readonly localNames = new Map<string, string>();
  /**
   * When each node last went away. The device record only knows its last
   * connect, so without this a node connected for hours would look gone since
   * the start; lost on restart, when the record's time is the best we have.
   */
  private readonly departedAt = new Map<string, number>();
  private subscription?: Subscription;

  constructor(
    private readonly registry: NodeRegistry,
    private readonly policy: NodeCommandPolicy,
    private readonly pairing: PairingService,
    private readonly broadcaster: Broadcaster,
    private readonly clock: Clock,
    private readonly ids: IdSource,
  ) {
    this.idempotency = new IdempotencyCache(clock, IDEMPOTENCY_TTL_MS, IDEMPOTENCY_MAX_ENTRIES);
  }

  onModuleInit(): void {
    this.subscription = this.registry.departures$.subscribe((departure) => {
      if (departure.reason === 'disconnected') this.recordDeparture(departure.nodeId);
      this.failCallsOn(departure);
    });
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
    for (const [id, call] of [...this.pending]) this.finish(id, NodesErrors.shuttingDown(call.nodeId, call.command));
  }

  /** Connected nodes first, then paired nodes that are offline; by name within each. */
  list(): NodeSummary[] {
    const paired = this.pairedNodes();
    const summaries: NodeSummary[] = [];
    for (const live of this.registry.all()) {
      summaries.push(this.summarize({ nodeId: live.nodeId, live, device: paired.get(live.session.deviceId ?? '') }));
    }
    for (const device of paired.values()) {
      if (!this.registry.get(device.deviceId)) summaries.push(this.summarize({ nodeId: device.deviceId, device }));
    }
    const label = (node: NodeSummary) => (node.displayName ?? node.nodeId).toLowerCase();
    return summaries.sort(
      (a, b) => Number(b.connected) - Number(a.connected) || label(a).localeCompare(label(b)) || a.nodeId.localeCompare(b.nodeId),
    );
  }

  describe(nodeIdOrName: string): NodeSummary {
    const target = this.resolve(nodeIdOrName);
    if (!target) throw NodesErrors.unknownNode(nodeIdOrName);
    return this.summarize(target);
  }

  /**
   * Runs a command on a node and resolves with its result. The outcome of
   * the first call with an idempotency key is returned for every retry with
   * that key by the same caller for the same node, command and params until
   * 5 minutes after it is known; the key with other params is refused.
   */
  invoke(request: InvokeNodeRequest): Promise<InvokeNodeResult> {
    // Not an async function: returning the call's own promise saves the extra
    // ticks an async wrapper adds on the hottest path; refusals still reject.
    try {
      // A node's allowlist is edited only through exec.approvals.node.set (operator.admin):
      // never by node.invoke (operator.write) nor by the agent's node_invoke tool.
      if (isPolicyCommand(request.command)) throw NodesErrors.policyCommand(request.command);
      return this.startInvoke(request);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Runs one of the node's allowlist commands for the exec.approvals.node.* methods; see invoke(). */
  invokePolicyCommand(nodeId: string, command: string, params: unknown): Promise<InvokeNodeResult> {
    if (!isPolicyCommand(command)) return Promise.reject(NodesErrors.policyCommand(command));
    try {
      return this.startInvoke({ nodeId, command, params, idempotencyKey: `exec-approvals:${this.ids.next()}` });
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private startInvoke(request: InvokeNodeRequest): Promise<InvokeNodeResult> {
    const target = this.resolve(request.nodeId);
    const nodeId = target?.nodeId ?? request.nodeId;
    // Keyed by caller too: one principal can neither read nor block another's result by guessing its key.
    const key = JSON.stringify([request.caller ?? INTERNAL_CALLER, nodeId, request.idempotencyKey]);
    // Serialized before any check, as the node will get it: the fingerprint is built from the same text.
    const paramsJSON = request.params !== undefined ? serializeParams(request.params) : undefined;
    const fingerprint = fingerprintOf(request, paramsJSON);
    const earlier = this.idempotency.get(key, fingerprint);
    if (earlier === 'conflict') throw NodesErrors.idempotencyKeyReused(request.idempotencyKey);
    if (earlier) return earlier;

    const live = target?.live;
    if (!live || !live.connection.isOpen) throw NodesErrors.notConnected(nodeId);
    const { platform } = live.session.client;
    const refusal = this.policy.refusal(request.command, { platform, declared: live.declared });
    if (refusal) throw NodesErrors.commandNotAllowed(nodeId, request.command, refusal, live.commands);

    // Only a call that reached the node is remembered: a refusal above ran nothing, so a retry may succeed.
    const outcome = this.send(live, request, paramsJSON);
    this.idempotency.remember(key, outcome, fingerprint);
    return outcome;
  }

  /** A node's `node.invoke.result`. A result nobody waits for (late, unknown, another node's) is acknowledged and dropped. */
  acceptResult(report: InvokeResultReport, caller: Connection): { ok: true; ignored?: true } {
    const own = nodeIdOf(caller.session!);
    if (report.nodeId !== own) throw NodesErrors.resultForOtherNode(report.nodeId, own);
    const call = this.pending.get(report.id);
    if (!call || call.nodeId !== own || call.connection !== caller) {
      this.logger.debug(`ignored a result from node ${own} for call ${report.id}: no such call is waiting`);
      return { ok: true, ignored: true };
    }
    if (report.ok) {
      this.finish(report.id, invokeResult(own, call.command, report));
    } else {
      const live = this.registry.get(own);
      const name = this.displayNameOf({ nodeId: own, live, device: this.pairedNode(live?.session.deviceId) });
      this.finish(report.id, NodesErrors.nodeFailed(own, name, call.command, nodeErrorOf(report.error)));
    }
    return { ok: true };
  }

  /** A node's `node.event`, passed on to operators who can read. */
  reportEvent(caller: Connection, event: { event: string; payload?: unknown; payloadJSON?: string }): { ok: true } {
    const nodeId = nodeIdOf(caller.session!);
    const payload =
      event.payload !== undefined
        ? event.payload
        : event.payloadJSON !== undefined
          ? parseJson(event.payloadJSON, 'payloadJSON')
          : null;
    this.logger.debug(`node ${nodeId} reported event ${event.event}`);
    // Droppable: a chatty node must not get operators disconnected as slow consumers.
    this.broadcaster.broadcast(
      GatewayEvent.NodeEvent,
      { nodeId, event: event.event, payload, ts: this.clock.now() },
      { droppable: true },
    );
    return { ok: true };
  }

  /** Paired nodes keep the name in their device record; an unpaired live node keeps it until the gateway restarts. */
  rename(nodeIdOrName: string, rawName: string): { nodeId: string; displayName: string; persisted: boolean } {
    const displayName = validDisplayName(rawName);
    const target = this.resolve(nodeIdOrName);
    if (!target) throw NodesErrors.unknownNode(nodeIdOrName);
    if (target.device) {
      this.pairing.renameDevice(target.device.deviceId, displayName);
      this.localNames.delete(target.nodeId);
      return { nodeId: target.nodeId, displayName, persisted: true };
    }
    this.localNames.delete(target.nodeId);
    if (this.localNames.size >= MAX_LOCAL_NAMES) this.localNames.delete(this.localNames.keys().next().value!);
    this.localNames.set(target.nodeId, displayName);
    return { nodeId: target.nodeId, displayName, persisted: false };
  }

  private send(live: LiveNode, request: InvokeNodeRequest, paramsJSON: string | undefined): Promise<InvokeNodeResult> {
    const { nodeId, connection } = live;
    const { command, idempotencyKey } = request;
    const timeoutMs = Math.min(Math.max(1, Math.floor(request.timeoutMs ?? DEFAULT_INVOKE_TIMEOUT_MS)), MAX_INVOKE_TIMEOUT_MS);
    const event: InvokeRequestEvent = { id: this.ids.next(), nodeId, command, timeoutMs, idempotencyKey };
    if (paramsJSON !== undefined) {
      if (jsonTextTooDeep(paramsJSON, MAX_EMBEDDED_JSON_DEPTH)) throw NodesErrors.jsonTooDeep('params', MAX_EMBEDDED_JSON_DEPTH);
      event.paramsJSON = paramsJSON;
    }
    return new Promise<InvokeNodeResult>((resolve, reject) => {
      const timer = setTimeout(() => this.finish(event.id, NodesErrors.timedOut(nodeId, command, timeoutMs)), timeoutMs);
      timer.unref?.();
      this.pending.set(event.id, { nodeId, command, connection, timer, resolve, reject });
      connection.sendEvent(GatewayEvent.NodeInvokeRequest, event);
    });
  }

  private finish(id: string, outcome: InvokeNodeResult | NodesError): void {
    const call = this.pending.get(id);
    if (!call) return;
    this.pending.delete(id);
    clearTimeout(call.timer);
    if (outcome instanceof NodesError) call.reject(outcome);
    else call.resolve(outcome);
  }

  /** The node cannot answer on a connection that is gone, so its calls fail now rather than at their timeout. */
  private failCallsOn(departure: NodeDeparture): void {
    for (const [id, call] of [...this.pending]) {
      if (call.connection === departure.connection)
        this.finish(id, NodesErrors.disconnected(call.nodeId, call.command, departure.reason));
    }
  }

  private resolve(ref: string): NodeTarget | undefined {
    const live = this.registry.get(ref);
    if (live) return { nodeId: ref, live, device: this.pairedNode(live.session.deviceId) };
    const device = this.pairedNode(ref);
    if (device) return { nodeId: ref, device };
    return this.resolveByName(ref);
  }

  /**
   * Exact display name, ignoring case, among connected and paired nodes; more
   * than one is an error, not a guess, unless only one of them proved a device key.
   */
  private resolveByName(name: string): NodeTarget | undefined {
    const wanted = name.toLowerCase();
    const paired = this.pairedNodes();
    const matches = new Map<string, NodeTarget>();
    for (const live of this.registry.all())
      matches.set(live.nodeId, { nodeId: live.nodeId, live, device: paired.get(live.session.deviceId ?? '') });
    for (const device of paired.values())
      if (!matches.has(device.deviceId)) matches.set(device.deviceId, { nodeId: device.deviceId, device });
    const found = [...matches.values()].filter((target) => this.displayNameOf(target)?.toLowerCase() === wanted);
    // A node that proved no device key cannot take a name from one that did (docs/protocol.md, "Node identity").
    const proven = found.filter((target) => target.device !== undefined || target.live?.session.deviceId !== undefined);
    if (found.length > 1 && proven.length === 1) return proven[0];
    if (found.length > 1) throw NodesErrors.ambiguousName(name, found.map((target) => target.nodeId).sort());
    return found[0];
  }

  private pairedNode(deviceId: string | undefined): PairedDevice | undefined {
    if (!deviceId) return undefined;
    const device = this.pairing.findPairedDevice(deviceId);
    return device?.roles.includes('node') ? device : undefined;
  }

  private pairedNodes(): Map<string, PairedDevice> {
    const devices = this.pairing.listPairedDevices().filter((device) => device.roles.includes('node'));
    return new Map(devices.map((device) => [device.deviceId, device]));
  }

  /** An operator's rename wins over the name the node reports for itself. */
  private displayNameOf(target: NodeTarget): string | undefined {
    return this.localNames.get(target.nodeId) ?? target.device?.displayName ?? target.live?.session.client.displayName;
  }

  private recordDeparture(nodeId: string): void {
    this.departedAt.delete(nodeId);
    if (this.departedAt.size >= MAX_DEPARTURES) this.departedAt.delete(this.departedAt.keys().next().value!);
    this.departedAt.set(nodeId, this.clock.now());
  }

  private summarize(target: NodeTarget): NodeSummary {
    const { live, device } = target;
    const displayName = this.displayNameOf(target);
    if (!live) {
      const lastSeenAtMs = Math.max(this.departedAt.get(target.nodeId) ?? 0, device?.lastSeenAtMs ?? 0);
      return {
        nodeId: target.nodeId,
        ...(displayName !== undefined ? { displayName } : {}),
        ...(device?.platform !== undefined ? { platform: device.platform } : {}),
        ...(device?.remoteIp !== undefined ? { remoteIp: device.remoteIp } : {}),
        caps: [],
        commands: [],
        permissions: {},
        ...(lastSeenAtMs > 0 ? { lastSeenAtMs } : {}),
        paired: device !== undefined,
        connected: false,
      };
    }
    const { client, caps, permissions, connectedAtMs } = live.session;
    return {
      nodeId: target.nodeId,
      ...(displayName !== undefined ? { displayName } : {}),
      platform: client.platform,
      version: client.version,
      ...(client.deviceFamily !== undefined ? { deviceFamily: client.deviceFamily } : {}),
      remoteIp: live.connection.origin.clientAddress,
      caps: [...caps],
      commands: [...live.commands],
      permissions: { ...permissions },
      connectedAtMs,
      paired: device !== undefined,
      connected: true,
    };
  }
}

/** The node commands behind exec.approvals.node.get/set (the reference's names). */
export const NODE_POLICY_COMMANDS: readonly string[] = ['system.execApprovals.get', 'system.execApprovals.set'];

function isPolicyCommand(command: string): boolean {
  return NODE_POLICY_COMMANDS.includes(command);
}

/**
 * The operator's answer. A node's `payload` alone is serialized here into
 * `payloadJSON`, and that text is exactly the payload's JSON, so the answer
 * carries it spliced in (withJsonText) rather than serializing the payload
 * a second time. A node's `payloadJSON` is parsed for `payload`, and the
 * answer is serialized as usual: the node's own text is never relayed as
 * JSON, only as the string it is.
 */
function invokeResult(nodeId: string, command: string, report: InvokeResultReport): InvokeNodeResult {
  if (report.payloadJSON !== undefined) {
    const parsed = parseJson(report.payloadJSON, 'payloadJSON');
    const payload = report.payload !== undefined ? report.payload : parsed;
    return { ok: true, nodeId, command, payload, payloadJSON: report.payloadJSON };
  }
  if (report.payload === undefined) return { ok: true, nodeId, command, payload: null, payloadJSON: null };
  const payloadJSON = JSON.stringify(report.payload);
  const text = `{"ok":true,"nodeId":${JSON.stringify(nodeId)},"command":${JSON.stringify(command)},"payload":${payloadJSON},"payloadJSON":${JSON.stringify(payloadJSON)}}`;
  return withJsonText({ ok: true, nodeId, command, payload: report.payload, payloadJSON }, text);
}

function nodeErrorOf(error: InvokeResultReport['error']): NodeError {
  return {
    code: error?.code || 'NODE_ERROR',
    message: error?.message || 'the node reported a failure without a message',
  };
}

/** payloadJSON is a string, so the frame's depth check never saw inside it: it gets the same budget here, before parsing. */
function parseJson(text: string, field: string): unknown {
  if (jsonTextTooDeep(text, MAX_EMBEDDED_JSON_DEPTH)) throw NodesErrors.jsonTooDeep(field, MAX_EMBEDDED_JSON_DEPTH);
  try {
    return JSON.parse(text);
  } catch {
    throw NodesErrors.invalidJson(field);
  }
}

/** The agent's own calls: no wire caller, one principal. */
const INTERNAL_CALLER = 'gateway';

/** [command, params] as JSON, spliced from the params text already made for the node rather than serialized again. */
function fingerprintOf(request: InvokeNodeRequest, paramsJSON: string | undefined): RequestFingerprint {
  const text = `[${JSON.stringify(request.command)},${paramsJSON ?? 'null'}]`;
  try {
    return RequestFingerprint.of([request.command, request.params ?? null], text);
  } catch {
    throw NodesErrors.unserializableParams();
  }
}

/**
 * Params may come from a model's tool call rather than a checked frame: what
 * JSON cannot hold is refused here; their depth is checked in send(), after
 * the node and the command are known to be fine, as the refusals go.
 */
function serializeParams(params: unknown): string {
  const serialized = serializeJson(params);
  if (!serialized.ok) throw NodesErrors.unserializableParams();
  return serialized.text;
}

function validDisplayName(raw: string): string {
  const name = raw.trim();
  if (name === '') throw NodesErrors.invalidDisplayName('must not be empty');
  if (name.length > MAX_DISPLAY_NAME_LENGTH)
    throw NodesErrors.invalidDisplayName(`must be at most ${MAX_DISPLAY_NAME_LENGTH} characters`);
  if (/\p{Cc}/u.test(name)) throw NodesErrors.invalidDisplayName('must not contain control characters');
  return name;
}
