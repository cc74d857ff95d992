import { InvokeError, InvokeErrors } from './invoke-errors';
import type { InvokeContext, InvokeOutcome, InvokeRequest, NodeCommand } from './invoke-types';

export interface DispatchResult {
  outcome: InvokeOutcome;
  /** Lines the command noted for the node host's log. */
  notes: string[];
  /** Set when the command threw something other than an InvokeError (a bug or an I/O failure). */
  failure?: unknown;
}

/**
 * Finds the command by name and turns whatever it does into an outcome.
 * It never throws: refusals become `ok:false` with their code, anything
 * unexpected becomes a generic NODE_ERROR while the cause stays local.
 */
export class InvokeDispatcher {
  private readonly commands = new Map<string, NodeCommand>();

  constructor(commands: readonly NodeCommand[]) {
    for (const command of commands) {
      if (this.commands.has(command.name)) throw new Error(`node command "${command.name}" is registered twice`);
      this.commands.set(command.name, command);
    }
  }

  /** What the node declares in `connect.commands`. */
  get names(): string[] {
    return [...this.commands.keys()];
  }

  async dispatch(request: InvokeRequest, context: Omit<InvokeContext, 'note'>): Promise<DispatchResult> {
    const notes: string[] = [];
    const command = this.commands.get(request.command);
    try {
      if (!command) throw InvokeErrors.unknownCommand(request.command, this.names);
      const params = parseParamsJson(request.paramsJSON);
      const payload = await command.run(params, { ...context, note: (text) => notes.push(text) });
      return { outcome: { ok: true, payload }, notes };
    } catch (error) {
      if (error instanceof InvokeError) return { outcome: { ok: false, error: error.toShape() }, notes };
      return { outcome: { ok: false, error: InvokeErrors.internal().toShape() }, notes, failure: error };
    }
  }
}

function parseParamsJson(paramsJSON: string | undefined): unknown {
  if (paramsJSON === undefined || paramsJSON === '') return {};
  try {
    return JSON.parse(paramsJSON);
  } catch {
    throw InvokeErrors.invalidParams('paramsJSON is not valid JSON');
  }
}

/**
 * Reads a `node.invoke.request` payload. Without an id there is nothing to
 * answer, so such a frame is dropped (undefined); other gaps are answered.
 */
export function parseInvokeRequest(payload: unknown, fallbackNodeId: string): InvokeRequest | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const record = payload as Record<string, unknown>;
  if (typeof record.id !== 'string' || record.id === '') return undefined;
  const paramsJSON =
    typeof record.paramsJSON === 'string'
      ? record.paramsJSON
      : // Tolerated: a gateway that sends the params as an object instead of a JSON string.
        record.params !== undefined
        ? JSON.stringify(record.params)
        : undefined;
  return {
    id: record.id,
    nodeId: typeof record.nodeId === 'string' && record.nodeId !== '' ? record.nodeId : fallbackNodeId,
    command: typeof record.command === 'string' ? record.command : '',
    paramsJSON,
    timeoutMs: typeof record.timeoutMs === 'number' && record.timeoutMs > 0 ? record.timeoutMs : undefined,
    idempotencyKey: typeof record.idempotencyKey === 'string' ? record.idempotencyKey : undefined,
  };
}
