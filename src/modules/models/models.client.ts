import { Injectable } from '@nestjs/common';

/** Caps on what the endpoint may send back (docs/protocol.md, "Sessions and models"). */
export const MODEL_LIST_LIMITS = Object.freeze({
  maxBodyBytes: 1024 * 1024,
  maxModels: 1_000,
  maxIdLength: 200,
  timeoutMs: 10_000,
});

/** A failure to say to the operator: never the upstream body, never the key. */
export class ModelListError extends Error {
  override name = 'ModelListError';
}

/**
 * GET <baseUrl>/models on an OpenAI-compatible endpoint. The answer is
 * hostile until checked: size-capped while it streams in, then only string
 * ids of a sane length and character set are kept.
 */
@Injectable()
export class ModelsClient {
  async fetchIds(baseUrl: string, apiKey: string | undefined): Promise<string[]> {
    const url = `${baseUrl.replace(/\/+$/, '')}/models`;
    let response: Response;
    try {
      response = await fetch(url, {
        headers: { accept: 'application/json', ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) },
        signal: AbortSignal.timeout(MODEL_LIST_LIMITS.timeoutMs),
        redirect: 'error',
      });
    } catch (error) {
      const name = (error as Error)?.name;
      throw new ModelListError(
        name === 'TimeoutError'
          ? `the model endpoint did not answer within ${MODEL_LIST_LIMITS.timeoutMs / 1000} s`
          : 'could not reach the model endpoint',
      );
    }
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      throw new ModelListError(`the model endpoint answered HTTP ${response.status}`);
    }
    const text = await readCapped(response, MODEL_LIST_LIMITS.maxBodyBytes);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new ModelListError('the model endpoint sent invalid JSON');
    }
    const data = (body as { data?: unknown } | null)?.data;
    if (!Array.isArray(data)) throw new ModelListError('the model endpoint sent no model list ("data" array)');
    const ids = new Set<string>();
    for (const entry of data.slice(0, MODEL_LIST_LIMITS.maxModels)) {
      const id = (entry as { id?: unknown } | null)?.id;
      if (typeof id === 'string' && id.length > 0 && id.length <= MODEL_LIST_LIMITS.maxIdLength && /^[\x21-\x7e]+$/.test(id))
        ids.add(id);
    }
    return [...ids];
  }
}

async function readCapped(response: Response, maxBytes: number): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new ModelListError(`the model list is larger than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
