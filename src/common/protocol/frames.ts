import type { ErrorCode } from './constants';

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

/**
 * Shape check of an inbound frame: clients only ever send requests, so
 * anything else is reported as invalid together with its id when it had one.
 */
export function parseInboundFrame(text: string): ParsedFrame {
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
  const id = typeof record.id === 'string' && record.id.length > 0 ? record.id : undefined;
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
