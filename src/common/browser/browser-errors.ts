export type BrowserErrorCode = 'INVALID_REQUEST' | 'REFUSED' | 'TIMEOUT' | 'NOT_FOUND' | 'UNAVAILABLE';

/**
 * A browser failure whose message is safe to show to an operator or a model:
 * it names what to do, and never carries page contents, a raw Playwright
 * message (those can quote page text) or a path on this machine.
 */
export class BrowserError extends Error {
  constructor(
    readonly code: BrowserErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'BrowserError';
  }
}

export const BrowserErrors = {
  refused: (url: string, reason: string) => new BrowserError('REFUSED', `browser refused ${shortUrl(url)}: ${reason}`),
  timedOut: (what: string, ms: number) =>
    new BrowserError(
      'TIMEOUT',
      `browser ${what} did not finish within ${ms} ms; the page may be hung (raise tools.browser.actionTimeoutMs if it is just slow)`,
    ),
  noBrowser: () =>
    new BrowserError(
      'UNAVAILABLE',
      'no Chromium or Chrome found: install it (Debian: apt-get install chromium; Ubuntu: apt-get install chromium-browser) ' +
        'or set tools.browser.executablePath',
    ),
  launchFailed: () => new BrowserError('UNAVAILABLE', 'the browser failed to start; see the gateway log for the reason'),
  unknownTab: (targetId: string) =>
    new BrowserError('NOT_FOUND', `no open tab has the id "${targetId}"; list them with GET /tabs (nestclaw browser tabs)`),
  noTab: () => new BrowserError('NOT_FOUND', 'no page is open yet: navigate to a URL first'),
  unknownRef: (ref: string) =>
    new BrowserError('NOT_FOUND', `no element has ref ${ref} on this page; take a new snapshot and use a ref from it`),
  loadFailed: (url: string, reason: string) =>
    new BrowserError('UNAVAILABLE', `browser could not load ${shortUrl(url)} (${reason})`),
  invalid: (message: string) => new BrowserError('INVALID_REQUEST', message),
};

/** Origin and path only: query strings often carry tokens, and logs and errors must not. */
export function shortUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return `a ${url.protocol} URL`;
    const path = url.pathname.length > 80 ? `${url.pathname.slice(0, 80)}…` : url.pathname;
    return `${url.origin}${path}`;
  } catch {
    return 'the URL';
  }
}
