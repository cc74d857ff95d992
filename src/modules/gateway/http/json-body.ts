import type { IncomingMessage } from 'node:http';
import { jsonTextTooDeep } from '../../../common/protocol';

export interface JsonBodyLimits {
  /** Largest body accepted, in bytes; a bigger one is refused with 413 before or while it is read. */
  maxBytes: number;
  /** Deepest nesting of objects and arrays accepted. */
  maxDepth: number;
}

export type JsonBodyResult =
  { ok: true; value: unknown } | { ok: false; status: 400 | 413 | 415; message: string; closeConnection: boolean };

const refuse = (status: 400 | 413 | 415, message: string, closeConnection = false): JsonBodyResult => ({
  ok: false,
  status,
  message,
  closeConnection,
});

/**
 * Reads and parses a JSON request body within the limits. Never rejects: a
 * peer's mistake comes back as the status and message to answer with. When
 * the body was left unread (too big), `closeConnection` says the connection
 * must not be reused, so the rest of the upload is not read at all.
 */
export function readJsonBody(req: IncomingMessage, limits: JsonBodyLimits): Promise<JsonBodyResult> {
  const [mediaType, ...params] = (req.headers['content-type'] ?? '').split(';').map((part) => part.trim().toLowerCase());
  if (mediaType !== 'application/json') {
    return Promise.resolve(refuse(400, 'the body must be JSON sent with Content-Type: application/json'));
  }
  const charset = params.find((param) => param.startsWith('charset='))?.slice('charset='.length);
  if (charset !== undefined && charset !== 'utf-8' && charset !== '"utf-8"') {
    return Promise.resolve(refuse(415, `charset ${charset.slice(0, 32)} is not supported; send UTF-8`));
  }
  const encoding = req.headers['content-encoding']?.trim().toLowerCase();
  if (encoding !== undefined && encoding !== 'identity') {
    return Promise.resolve(refuse(415, 'a compressed body is not supported; send it without Content-Encoding'));
  }
  const tooLarge = refuse(413, `the body is larger than ${limits.maxBytes} bytes`, true);
  const declared = Number(req.headers['content-length']);
  if (declared > limits.maxBytes) return Promise.resolve(tooLarge);
  if (req.readableEnded) return Promise.resolve(refuse(400, 'the body was already read'));
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (result: JsonBodyResult) => {
      req.off('data', onData).off('end', onEnd).off('aborted', onCutOff).off('error', onCutOff);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limits.maxBytes) {
        req.pause();
        return finish(tooLarge);
      }
      chunks.push(chunk);
    };
    const onEnd = () => finish(parseJson(Buffer.concat(chunks), limits.maxDepth));
    const onCutOff = () => finish(refuse(400, 'the body was cut off before its end', true));
    // A late 'error' after we stopped listening must still have a listener, or it would throw.
    req.on('error', () => undefined);
    req.on('data', onData).on('end', onEnd).on('aborted', onCutOff).on('error', onCutOff);
  });
}

function parseJson(bytes: Buffer, maxDepth: number): JsonBodyResult {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return refuse(400, 'the body is not valid UTF-8');
  }
  // Checked on the text before parsing, so code that walks the value later (JSON.stringify included) cannot overflow the stack.
  if (jsonTextTooDeep(text, maxDepth)) return refuse(400, `the body nests deeper than ${maxDepth} levels`);
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return refuse(400, 'the body is not valid JSON');
  }
}
