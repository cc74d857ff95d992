import { ACT_KINDS, ActKind, BrowserController } from './browser-controller';
import { BrowserError, BrowserErrors } from './browser-errors';

/** The reference gateway's `browser.request` params: an HTTP-like call on its browser control server. */
export interface BrowserRouteRequest {
  method: string;
  path: string;
  query?: Record<string, unknown>;
  body?: unknown;
}

/** Whose tab a request without a targetId uses: operators share one; each agent session has its own. */
export const OPERATOR_TAB_OWNER = 'operator';

const URL_MAX_CHARS = 4_096;

type Handler = (controller: BrowserController, input: RouteInput) => Promise<unknown>;

interface RouteInput {
  query: Record<string, unknown>;
  body: Record<string, unknown>;
  owner: string;
}

/** One entry per route, keyed "METHOD /path"; the reference CLI's calls are the first nine. */
const ROUTES: Record<string, Handler> = {
  'GET /': async (controller) => ({ enabled: true, ...controller.status() }),
  'POST /start': async (controller) => {
    await controller.start();
    return { ok: true, ...controller.status() };
  },
  'POST /stop': async (controller) => {
    await controller.stop();
    return { ok: true, ...controller.status() };
  },
  'GET /tabs': async (controller) => ({ running: controller.status().running, tabs: await controller.listTabs() }),
  'POST /tabs/open': async (controller, { body, owner }) => ({ ok: true, ...(await controller.openTab(urlOf(body), owner)) }),
  'POST /tabs/close': async (controller, { body, owner }) => ({
    ok: true,
    ...(await controller.closeTab({ owner, targetId: optionalTarget(body) })),
  }),
  'POST /navigate': async (controller, { body, owner }) => ({
    ok: true,
    ...(await controller.navigate(urlOf(body), { owner, targetId: optionalTarget(body) })),
  }),
  'GET /snapshot': async (controller, { query, owner }) => {
    const snapshot = await controller.snapshot({ owner, targetId: optionalTarget(query) });
    // The page is someone else's words: whoever shows it to a model must say so.
    return { ok: true, format: 'text', untrusted: true, ...snapshot, snapshot: snapshot.text, text: undefined };
  },
  'POST /act': async (controller, { body, owner }) => {
    const kind = body.kind;
    if (typeof kind !== 'string' || !ACT_KINDS.includes(kind as ActKind)) {
      throw BrowserErrors.invalid(`act kind must be one of ${ACT_KINDS.join(', ')}`);
    }
    const ref = body.ref === undefined ? undefined : String(body.ref);
    const text = body.text === undefined ? undefined : stringOf(body.text, 'text');
    const key = body.key === undefined ? undefined : stringOf(body.key, 'key');
    const result = await controller.act({
      owner,
      targetId: optionalTarget(body),
      kind: kind as ActKind,
      ref,
      text,
      key,
      submit: body.submit === true,
    });
    return { ok: true, ...result };
  },
  'POST /back': async (controller, { body, owner }) => ({
    ok: true,
    ...(await controller.back({ owner, targetId: optionalTarget(body) })),
  }),
  'POST /screenshot': async (controller, { body, owner }) => {
    const shot = await controller.screenshot({ owner, targetId: optionalTarget(body), fullPage: body.fullPage === true });
    return {
      ok: true,
      targetId: shot.targetId,
      url: shot.url,
      mimeType: 'image/png',
      bytes: shot.png.length,
      imageBase64: shot.png.toString('base64'),
    };
  },
};

export const BROWSER_ROUTES = Object.keys(ROUTES);

/** Runs one route; throws BrowserError for anything the caller did wrong or the page refused. */
export async function handleBrowserRoute(
  controller: BrowserController,
  request: BrowserRouteRequest,
  owner: string = OPERATOR_TAB_OWNER,
): Promise<unknown> {
  const method = String(request.method ?? '').toUpperCase();
  const path = normalizePath(String(request.path ?? ''));
  const handler = ROUTES[`${method} ${path}`];
  if (!handler) {
    throw new BrowserError(
      'NOT_FOUND',
      `no browser route ${method} ${path}; available: ${BROWSER_ROUTES.join(', ')}`.slice(0, 600),
    );
  }
  return handler(controller, { query: objectOf(request.query, 'query'), body: objectOf(request.body, 'body'), owner });
}

function normalizePath(path: string): string {
  const trimmed = path.split('?')[0].replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

function objectOf(value: unknown, name: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw BrowserErrors.invalid(`${name} must be an object`);
  return value as Record<string, unknown>;
}

function urlOf(body: Record<string, unknown>): string {
  const url = body.url;
  if (typeof url !== 'string' || url.trim() === '')
    throw BrowserErrors.invalid('body.url must be a URL, e.g. "https://example.com"');
  if (url.length > URL_MAX_CHARS) throw BrowserErrors.invalid(`body.url is longer than ${URL_MAX_CHARS} characters`);
  return url.trim();
}

function optionalTarget(source: Record<string, unknown>): string | undefined {
  const id = source.targetId;
  if (id === undefined || id === null || id === '') return undefined;
  if (typeof id !== 'string' || !/^t\d{1,9}$/.test(id))
    throw BrowserErrors.invalid('targetId must be a tab id from GET /tabs, e.g. "t1"');
  return id;
}

function stringOf(value: unknown, name: string): string {
  if (typeof value !== 'string') throw BrowserErrors.invalid(`${name} must be a string`);
  return value;
}
