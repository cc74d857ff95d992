import type { DeviceTokenDropped, RequestOptions } from '../common/client';
import { GatewayEvent, type HelloOk } from '../common/protocol';
import { describeConnectFailure, FailureContext } from './connect-failure';
import type { ExecPolicy } from './exec-policy';
import { InvokeDispatcher, parseInvokeRequest } from './invoke-dispatcher';
import type { InvokeRequest } from './invoke-types';
import type { NodeHostEvent, NodeHostListener } from './node-host-events';
import { fitResult } from './result-size';

export const INVOKE_RESULT_METHOD = 'node.invoke.result';
/** On stop, how long running commands get to end (they are signalled first) before the link closes. */
const STOP_GRACE_MS = 3_000;
const RESULT_SEND_TIMEOUT_MS = 10_000;

/** The part of GatewayClient the node host uses; a fake in unit tests. */
export interface GatewayLink {
  readonly hello?: HelloOk;
  start(): void;
  stop(): Promise<void>;
  request(method: string, params?: unknown, options?: RequestOptions): Promise<unknown>;
  onEvent(name: string, handler: (payload: unknown) => void): () => void;
  on(event: 'connected', listener: (hello: HelloOk) => void): unknown;
  on(event: 'disconnected', listener: (info: { code: number; reason: string }) => void): unknown;
  on(event: 'reconnecting', listener: (info: { attempt: number; delayMs: number }) => void): unknown;
  on(event: 'error', listener: (error: unknown) => void): unknown;
  on(event: 'device-token-dropped', listener: (info: DeviceTokenDropped) => void): unknown;
}

export interface NodeHostSettings extends FailureContext {
  nodeId: string;
  displayName: string;
  execPolicy: ExecPolicy;
  /** Read at start: what system.run may run, so an empty allowlist is told before the first refusal. */
  execNotice?: () => string | undefined;
  now?: () => number;
}

/**
 * The headless node: keeps the link to the gateway up (GatewayClient.start
 * reconnects for ever, and its tick watchdog drops a silent link), answers
 * every `node.invoke.request` with one `node.invoke.result`, and reports
 * what happens to its listeners.
 */
export class NodeHost {
  private readonly listeners = new Set<NodeHostListener>();
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly abort = new AbortController();
  private lastFailure?: string;
  private stopping?: Promise<void>;
  private resolveStopped!: () => void;
  private readonly stoppedPromise = new Promise<void>((resolve) => (this.resolveStopped = resolve));

  constructor(
    private readonly link: GatewayLink,
    private readonly dispatcher: InvokeDispatcher,
    private readonly settings: NodeHostSettings,
  ) {
    link.on('connected', (hello) => this.onConnected(hello));
    link.on('disconnected', ({ code, reason }) => this.report({ event: 'disconnected', code, reason }));
    link.on('reconnecting', ({ attempt, delayMs }) => this.report({ event: 'reconnecting', attempt, delayMs }));
    link.on('error', (error) => this.onConnectError(error));
    link.on('device-token-dropped', ({ reason, retryWith }) => this.report({ event: 'device-token-dropped', reason, retryWith }));
    link.onEvent(GatewayEvent.NodeInvokeRequest, (payload) => this.onInvokeRequest(payload));
    link.onEvent(GatewayEvent.Shutdown, (payload) => {
      const { reason, restartExpectedMs } = (payload ?? {}) as { reason?: string; restartExpectedMs?: number };
      this.report({ event: 'gateway-shutdown', reason, restartExpectedMs });
    });
  }

  /** Registers a listener; returns the function that removes it. */
  onEvent(listener: NodeHostListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  report(event: NodeHostEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  start(): void {
    this.report({
      event: 'starting',
      url: this.settings.url,
      nodeId: this.settings.nodeId,
      displayName: this.settings.displayName,
      execPolicy: this.settings.execPolicy,
      commands: this.dispatcher.names,
    });
    const notice = this.settings.execNotice?.();
    if (notice) this.report({ event: 'exec-notice', message: notice });
    this.link.start();
  }

  /** Ends running commands, then the link; resolves once everything is closed. */
  stop(signal?: string): Promise<void> {
    this.stopping ??= (async () => {
      this.report({ event: 'stopping', signal });
      this.abort.abort();
      let grace: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled(this.inFlight.values()),
        new Promise<void>((resolve) => (grace = setTimeout(resolve, STOP_GRACE_MS))),
      ]);
      clearTimeout(grace);
      await this.link.stop();
      this.report({ event: 'stopped' });
      this.resolveStopped();
    })();
    return this.stopping;
  }

  /** Resolves after stop() has finished. */
  stopped(): Promise<void> {
    return this.stoppedPromise;
  }

  private onConnected(hello: HelloOk): void {
    this.lastFailure = undefined;
    this.report({
      event: 'connected',
      url: this.settings.url,
      connId: hello.server.connId,
      deviceTokenIssued: Boolean(hello.auth?.deviceToken),
    });
  }

  private onConnectError(error: unknown): void {
    const failure = describeConnectFailure(error, this.settings);
    if (failure.kind === 'waiting-approval') {
      this.lastFailure = failure.message;
      this.report({ event: 'waiting-approval', requestId: failure.requestId, message: failure.message });
      return;
    }
    const repeated = this.lastFailure === failure.reason;
    this.lastFailure = failure.reason;
    this.report({ event: 'error', reason: failure.reason, fix: failure.fix, repeated });
  }

  private onInvokeRequest(payload: unknown): void {
    if (this.stopping) return;
    const request = parseInvokeRequest(payload, this.settings.nodeId);
    if (!request) {
      this.report({ event: 'invoke-ignored', reason: 'a node.invoke.request without an id cannot be answered' });
      return;
    }
    // The same id twice while the first still runs is a duplicate delivery, not a second call.
    if (this.inFlight.has(request.id)) return;
    const work = this.invoke(request).finally(() => this.inFlight.delete(request.id));
    this.inFlight.set(request.id, work);
  }

  private async invoke(request: InvokeRequest): Promise<void> {
    const now = this.settings.now ?? Date.now;
    const startedAt = now();
    const result = await this.dispatcher.dispatch(request, { deadlineMs: request.timeoutMs, signal: this.abort.signal });
    if (result.failure !== undefined) {
      this.report({ event: 'internal-error', message: `${request.command} failed: ${errorText(result.failure)}` });
    }
    const params = fitResult({ id: request.id, nodeId: request.nodeId, ...result.outcome }, this.link.hello?.policy.maxPayload);
    let deliveryError: string | undefined;
    try {
      await this.link.request(INVOKE_RESULT_METHOD, params, { timeoutMs: RESULT_SEND_TIMEOUT_MS });
    } catch (error) {
      // The gateway fails a call whose node dropped, so a result that cannot be sent now is not resent later.
      deliveryError = errorText(error);
    }
    this.report({
      event: 'invoke',
      id: request.id,
      command: request.command,
      ok: params.ok,
      ...(params.ok ? {} : { code: params.error.code }),
      durationMs: now() - startedAt,
      notes: result.notes,
      delivered: deliveryError === undefined,
      ...(deliveryError !== undefined ? { deliveryError } : {}),
    });
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
