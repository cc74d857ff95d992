import * as fs from 'node:fs';
import type { GatewayClient } from '../../common/client';
import type { ChatMediaChunk } from '../../common/protocol';
import { runGatewayCommand } from '../run-gateway-command';
import type { TargetOptions } from './target-options';

type BrowserOptions = TargetOptions & { targetId?: string };
/** Each browser route answers its own shape (docs/browser.md); the renderers read the fields they print. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- route results are open-ended JSON
type RouteResult = Record<string, any>;

/** Browser calls can wait on a slow page: the request may take as long as the page's own timeout. */
const BROWSER_CALL_TIMEOUT_MS = 130_000;
/** The gateway's cap on a stored picture (docs/browser.md); the CLI never assembles more. */
const SCREENSHOT_MAX_BYTES = 8 * 1024 * 1024;

function call(client: GatewayClient, method: string, path: string, body?: unknown, query?: Record<string, unknown>) {
  return client.request(
    'browser.request',
    { method, path, ...(body ? { body } : {}), ...(query ? { query } : {}) },
    {
      timeoutMs: BROWSER_CALL_TIMEOUT_MS,
    },
  ) as Promise<RouteResult>;
}

const pageLine = (r: RouteResult) => `${r.targetId ?? '?'}  ${r.title ? `${r.title}  ` : ''}${r.url ?? ''}`;

export function status(options: TargetOptions): Promise<void> {
  return runGatewayCommand(options, {
    call: (client) => call(client, 'GET', '/'),
    render: (r) => [
      `browser ${r.running ? 'running' : 'not running'}, ${r.tabs ?? 0} tab(s)${r.executable ? `, ${r.executable}` : ''}`,
    ],
  });
}

export function start(options: TargetOptions): Promise<void> {
  return runGatewayCommand(options, { call: (client) => call(client, 'POST', '/start'), render: () => ['browser started'] });
}

export function stop(options: TargetOptions): Promise<void> {
  return runGatewayCommand(options, { call: (client) => call(client, 'POST', '/stop'), render: () => ['browser stopped'] });
}

export function tabs(options: TargetOptions): Promise<void> {
  return runGatewayCommand(options, {
    call: (client) => call(client, 'GET', '/tabs'),
    render: (r) => ((r.tabs as RouteResult[]).length === 0 ? ['no tabs open'] : r.tabs.map(pageLine)),
  });
}

export function open(url: string, options: TargetOptions): Promise<void> {
  return runGatewayCommand(options, {
    call: (client) => call(client, 'POST', '/tabs/open', { url }),
    render: (r) => [pageLine(r)],
  });
}

export function navigate(url: string, options: BrowserOptions): Promise<void> {
  return runGatewayCommand(options, {
    call: (client) => call(client, 'POST', '/navigate', { url, ...target(options) }),
    render: (r) => [pageLine(r)],
  });
}

export function snapshot(options: BrowserOptions): Promise<void> {
  return runGatewayCommand(options, {
    call: (client) => call(client, 'GET', '/snapshot', undefined, target(options)),
    render: (r) => [
      `${r.title ?? ''}  ${r.url ?? ''}`,
      '',
      r.snapshot ?? '',
      ...(r.truncated ? ['', '[cut to fit the budget]'] : []),
    ],
  });
}

export function screenshot(options: BrowserOptions & { output: string; fullPage?: boolean }): Promise<void> {
  return runGatewayCommand(options, {
    call: async (client) => {
      const r = await call(client, 'POST', '/screenshot', { ...target(options), fullPage: Boolean(options.fullPage) });
      const png = await screenshotBytes(client, r);
      fs.writeFileSync(options.output, png);
      return { ok: true, targetId: r.targetId, url: r.url, file: options.output, bytes: png.length };
    },
    render: (r) => [`wrote ${r.bytes} bytes to ${r.file} (${r.url})`],
  });
}

export function act(
  action: { kind: string; ref: string; text?: string; submit?: boolean },
  options: BrowserOptions,
): Promise<void> {
  return runGatewayCommand(options, {
    call: (client) => call(client, 'POST', '/act', { ...action, ...target(options) }),
    render: (r) => [`${action.kind} done; now on ${pageLine(r)}`],
  });
}

/** Inline base64, or, for a picture too big for one answer, its pieces fetched with chat.media. */
async function screenshotBytes(client: GatewayClient, r: RouteResult): Promise<Buffer> {
  if (typeof r.imageBase64 === 'string') return Buffer.from(r.imageBase64, 'base64');
  if (typeof r.mediaId !== 'string') throw new Error('the gateway answered the screenshot without a picture');
  const pieces: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const piece = (await client.request('chat.media', { mediaId: r.mediaId, offset })) as ChatMediaChunk;
    const bytes = Buffer.from(piece.dataBase64, 'base64');
    pieces.push(bytes);
    offset += bytes.length;
    if (piece.done) return Buffer.concat(pieces);
    if (bytes.length === 0 || offset > SCREENSHOT_MAX_BYTES)
      throw new Error('the screenshot did not arrive whole; take it again');
  }
}

function target(options: BrowserOptions): { targetId?: string } {
  return options.targetId ? { targetId: options.targetId } : {};
}
