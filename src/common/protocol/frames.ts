import { DEFAULT_LIMITS, type ErrorCode } from './constants';
import { flattenBelowTopLevel, jsonTextTooDeep, utf8ByteLength } from './json-budget';
import { MAX_FRAME_DEPTH } from './limits';

export interface ErrorShape {
  code: ErrorCode | string;
  message: string;
  details?: unknown;
  retryable?: boolean;
  retryAfterMs?: number;
}

export interface RequestFrame {
  type: 'req';
  id: string;
  method: string;
  params?: unknown;
}

export interface ResponseFrame {
  type: 'res';
  id: string;
  ok: boolean;
  payload?: unknown;
  error?: ErrorShape;
}

export interface StateVersion {
  presence: number;
  health: number;
}

export interface EventFrame {
  type: 'event';
  event: string;
  payload?: unknown;
  seq?: number;
  stateVersion?: StateVersion;
}

export type Frame = RequestFrame | ResponseFrame | EventFrame;

export type ParsedFrame = { kind: 'request'; frame: RequestFrame } | { kind: 'invalid'; id?: string; reason: string };

export interface FrameBudget {
  /** Largest frame in bytes (UTF-8); the WebSocket layer enforces it too, with close 1009. */
  maxBytes: number;
  /** Deepest nesting of arrays and objects, the frame object being level 1. */
  maxDepth: number;
}

/** The default maxPayload hello-ok advertises; the gateway passes its configured one. */
export const DEFAULT_FRAME_BUDGET: FrameBudget = Object.freeze({
  maxBytes: DEFAULT_LIMITS.maxPayload,
  maxDepth: MAX_FRAME_DEPTH,
});

/**
 * Budget and shape check of an inbound frame, in that order, so nothing over
 * budget is ever parsed. Clients only ever send requests, so anything else is
 * reported as invalid together with its id when it had one. Never throws.
 */
export function parseInboundFrame(text: string, budget: FrameBudget = DEFAULT_FRAME_BUDGET): ParsedFrame {
  // UTF-8 takes at least one byte per UTF-16 unit and at most three, so the exact count is needed only in between.
  if (text.length > budget.maxBytes || (text.length * 3 > budget.maxBytes && utf8ByteLength(text) > budget.maxBytes)) {
    return overBudget(text, `frame is larger than ${budget.maxBytes} bytes; send smaller params`);
  }
  if (jsonTextTooDeep(text, budget.maxDepth)) {
    return overBudget(text, `frame nests arrays/objects deeper than ${budget.maxDepth} levels; flatten the params`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: 'invalid', reason: 'frame is not valid JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { kind: 'invalid', reason: 'frame must be a JSON object' };
  }
  const record = value as Record<string, unknown>;
  const id = idOf(record);
  if (record.type !== 'req') {
    return { kind: 'invalid', id, reason: 'expected a request frame ({"type":"req",...})' };
  }
  if (!id) {
    return { kind: 'invalid', reason: 'request frame needs a non-empty string "id"' };
  }
  if (typeof record.method !== 'string' || record.method.length === 0) {
    return { kind: 'invalid', id, reason: 'request frame needs a non-empty string "method"' };
  }
  return { kind: 'request', frame: { type: 'req', id, method: record.method, params: record.params } };
}

/** An over-budget frame is answered by its id when the top level alone gives one, so the client learns why. */
function overBudget(text: string, reason: string): ParsedFrame {
  let id: string | undefined;
  try {
    const top: unknown = JSON.parse(flattenBelowTopLevel(text));
    if (typeof top === 'object' && top !== null && !Array.isArray(top)) id = idOf(top as Record<string, unknown>);
  } catch {
    // No id to answer; the frame is refused all the same.
  }
  return { kind: 'invalid', id, reason };
}

function idOf(record: Record<string, unknown>): string | undefined {
  return typeof record.id === 'string' && record.id.length > 0 ? record.id : undefined;
}
