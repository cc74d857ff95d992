import type { InvokeResultParams } from './invoke-types';

/** Room for the request envelope around the params ({"type":"req","id":...,"method":...}). */
const FRAME_OVERHEAD = 1_024;
const MARKER = '\n[output truncated to fit the gateway frame limit]\n';

/**
 * The gateway closes the socket (1009) on a frame over its maxPayload, which
 * would lose the result and the link. Output caps keep ordinary results well
 * inside the default, but bytes that are not UTF-8 grow when encoded as JSON,
 * so a result that still does not fit has its stdout/stderr trimmed further
 * (and flagged truncated), or becomes an error saying why.
 */
export function fitResult(result: InvokeResultParams, maxPayload: number | undefined): InvokeResultParams {
  if (!maxPayload) return result;
  const limit = maxPayload - FRAME_OVERHEAD;
  let size = byteSize(result);
  if (size <= limit) return result;
  if (result.ok && isOutputPayload(result.payload)) {
    let payload = result.payload;
    for (let round = 0; round < 8 && size > limit; round++) {
      const key = payload.stdout.length >= payload.stderr.length ? 'stdout' : 'stderr';
      const excess = size - limit;
      // Every character costs at least one byte, so cutting `excess` characters (plus room for the marker) is enough.
      const keep = Math.max(0, payload[key].length - excess - 2 * MARKER.length);
      payload = { ...payload, [key]: payload[key].slice(0, keep) + MARKER, truncated: { ...payload.truncated, [key]: true } };
      size = byteSize({ ...result, payload });
    }
    if (size <= limit) return { ...result, payload };
  }
  return {
    id: result.id,
    nodeId: result.nodeId,
    ok: false,
    error: { code: 'RESULT_TOO_LARGE', message: `the result is larger than the gateway accepts (${maxPayload} bytes per frame)` },
  };
}

function byteSize(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}

interface OutputPayload {
  stdout: string;
  stderr: string;
  truncated: { stdout: boolean; stderr: boolean };
}

function isOutputPayload(payload: unknown): payload is OutputPayload {
  const p = payload as Partial<OutputPayload> | undefined;
  return typeof p?.stdout === 'string' && typeof p.stderr === 'string' && typeof p.truncated === 'object' && p.truncated !== null;
}
