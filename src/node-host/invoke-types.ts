/** `node.invoke.request` as the gateway sends it (PROTOCOL.md, "Nodes"). */
export interface InvokeRequest {
  id: string;
  nodeId: string;
  command: string;
  /** The params as a JSON string; absent means `{}`. */
  paramsJSON?: string;
  /** How long the gateway waits for the result; commands must not outlive it. */
  timeoutMs?: number;
  idempotencyKey?: string;
}

export interface InvokeErrorShape {
  code: string;
  message: string;
}

export type InvokeOutcome = { ok: true; payload: unknown } | { ok: false; error: InvokeErrorShape };

/** The params of the `node.invoke.result` method the node calls with the outcome. */
export type InvokeResultParams = { id: string; nodeId: string } & InvokeOutcome;

export interface InvokeContext {
  /** The gateway's deadline for this call, when it gave one. */
  deadlineMs?: number;
  /** Aborted when the node host stops: long work must end then. */
  signal: AbortSignal;
  /** A short line for the node host's own log (e.g. which binary ran), never sent to the gateway. */
  note(text: string): void;
}

/** One command this node serves; the dispatcher finds it by name. */
export interface NodeCommand {
  readonly name: string;
  run(params: unknown, context: InvokeContext): Promise<unknown>;
}
