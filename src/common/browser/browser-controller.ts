import * as fs from 'node:fs';
import type { BrowserContext, Page, Route, WebSocketRoute } from 'playwright-core';
import { BrowserError, BrowserErrors, shortUrl } from './browser-errors';
import { findBrowserExecutable } from './find-browser';
import { PageSnapshot, REF_ATTRIBUTE, snapshotExpression } from './page-snapshot';
import type { UrlPolicy } from './url-policy';

/** Chromium flags for a server: no GPU, no calls home (updates, sync, metrics), no first-run UI. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];

export interface BrowserControllerOptions {
  executablePath?: string;
  /** The persistent profile (cookies, logins); created 0700. */
  userDataDir: string;
  headless: boolean;
  policy: UrlPolicy;
  actionTimeoutMs: number;
  /** A tab unused this long is closed; with no tab left, the browser too. */
  idleTimeoutMs: number;
  snapshotMaxChars: number;
  /** One line per browser call, without page contents. */
  log: (line: string) => void;
  now?: () => number;
}

/** Which tab a call is for: an explicit targetId, or the owner's own tab (one per agent session, one for operators). */
export interface TabSelector {
  owner: string;
  targetId?: string;
}

export type ActKind = 'click' | 'type' | 'press' | 'hover';
export const ACT_KINDS: readonly ActKind[] = ['click', 'type', 'press', 'hover'];

export interface ActRequest extends TabSelector {
  kind: ActKind;
  ref?: string;
  text?: string;
  key?: string;
  submit?: boolean;
}

export interface TabInfo {
  targetId: string;
  url: string;
  title: string;
}

interface Tab {
  id: string;
  page: Page;
  owner: string;
  lastUsedAt: number;
  /** Why the last main-frame request was stopped, to explain a failed navigation. */
  blocked?: string;
  /** Calls on one tab run one after another. */
  queue: Promise<unknown>;
}

const TEXT_MAX_CHARS = 2_000;
/** Chromium follows at most 20 redirects; a fixture or a real site needs far fewer. */
const MAX_REDIRECT_HOPS = 20;

/**
 * One Chromium (playwright-core, system binary) with a persistent profile and
 * a tab per owner. Playwright is imported on first use, so a gateway with the
 * browser enabled but unused pays nothing at start-up. Every request any page
 * makes passes UrlPolicy first (see guardRequest), every call is bounded by
 * actionTimeoutMs, and idle tabs and the idle browser are closed.
 */
export class BrowserController {
  private context?: BrowserContext;
  private starting?: Promise<BrowserContext>;
  private readonly tabs = new Map<string, Tab>();
  private nextTabNumber = 1;
  private idleTimer?: NodeJS.Timeout;
  private readonly now: () => number;

  constructor(private readonly options: BrowserControllerOptions) {
    this.now = options.now ?? Date.now;
  }

  status(): { running: boolean; headless: boolean; tabs: number; executable?: string } {
    const executable = findBrowserExecutable(this.options.executablePath);
    return {
      running: this.context !== undefined,
      headless: this.options.headless,
      tabs: this.tabs.size,
      // The program's name only: where it lives on this machine is not the caller's business.
      ...(executable ? { executable: executable.split('/').pop() } : {}),
    };
  }

  async start(): Promise<void> {
    await this.ensureContext();
  }

  async stop(): Promise<void> {
    const context = this.context ?? (await this.starting?.catch(() => undefined));
    this.context = undefined;
    this.starting = undefined;
    this.tabs.clear();
    clearInterval(this.idleTimer);
    this.idleTimer = undefined;
    if (context) await context.close().catch(() => undefined);
  }

  listTabs(): Promise<TabInfo[]> {
    return Promise.all([...this.tabs.values()].map((tab) => this.info(tab)));
  }

  async openTab(url: string, owner: string): Promise<TabInfo> {
    const tab = await this.newTab(owner);
    return this.run(tab, 'navigate', () => this.goto(tab, url));
  }

  async navigate(url: string, selector: TabSelector): Promise<TabInfo> {
    const tab = await this.tabFor(selector, true);
    return this.run(tab, 'navigate', () => this.goto(tab, url));
  }

  async snapshot(selector: TabSelector): Promise<PageSnapshot & { targetId: string }> {
    const tab = await this.tabFor(selector, false);
    return this.run(tab, 'snapshot', async () => {
      const expression = snapshotExpression(this.options.snapshotMaxChars);
      const result = (await evaluateSettled(tab.page, expression, this.options.actionTimeoutMs)) as Omit<
        PageSnapshot,
        'url' | 'title'
      >;
      return { targetId: tab.id, url: tab.page.url(), title: await this.title(tab), ...result };
    });
  }

  async act(request: ActRequest): Promise<TabInfo> {
    const tab = await this.tabFor(request, false);
    return this.run(tab, request.kind, async () => {
      const timeout = this.options.actionTimeoutMs;
      if (request.kind === 'press' && !request.ref) {
        await tab.page.keyboard.press(requireKey(request.key));
      } else {
        const element = await this.element(tab, request.ref);
        if (request.kind === 'click') await element.click({ timeout });
        if (request.kind === 'hover') await element.hover({ timeout });
        if (request.kind === 'press') await element.press(requireKey(request.key), { timeout });
        if (request.kind === 'type') {
          if (typeof request.text !== 'string') throw BrowserErrors.invalid('act type needs text');
          if (request.text.length > TEXT_MAX_CHARS)
            throw BrowserErrors.invalid(`text is longer than ${TEXT_MAX_CHARS} characters`);
          await element.fill(request.text, { timeout });
          if (request.submit) await element.press('Enter', { timeout });
        }
      }
      // A click may start a navigation; the caller's next snapshot should see the new page.
      await tab.page.waitForLoadState('domcontentloaded', { timeout }).catch(() => undefined);
      return await this.info(tab);
    });
  }

  async screenshot(selector: TabSelector & { fullPage?: boolean }): Promise<{ targetId: string; url: string; png: Buffer }> {
    const tab = await this.tabFor(selector, false);
    return this.run(tab, 'screenshot', async () => ({
      targetId: tab.id,
      url: tab.page.url(),
      png: await tab.page.screenshot({
        type: 'png',
        fullPage: selector.fullPage ?? false,
        timeout: this.options.actionTimeoutMs,
      }),
    }));
  }

  async back(selector: TabSelector): Promise<TabInfo> {
    const tab = await this.tabFor(selector, false);
    return this.run(tab, 'back', async () => {
      await tab.page.goBack({ timeout: this.options.actionTimeoutMs, waitUntil: 'domcontentloaded' });
      return this.info(tab);
    });
  }

  async closeTab(selector: TabSelector): Promise<{ closed: boolean }> {
    const tab = selector.targetId ? this.tabs.get(selector.targetId) : this.ownTab(selector.owner);
    if (!tab) return { closed: false };
    this.tabs.delete(tab.id);
    await tab.page.close().catch(() => undefined);
    return { closed: true };
  }

  /** Closes tabs idle past the timeout, and the browser once no tab is left; exposed for tests. */
  async closeIdle(): Promise<void> {
    const cutoff = this.now() - this.options.idleTimeoutMs;
    for (const tab of [...this.tabs.values()]) {
      if (tab.lastUsedAt <= cutoff) await this.closeTab({ owner: tab.owner, targetId: tab.id });
    }
    if (this.tabs.size === 0 && this.context) {
      this.options.log('browser idle: closing it until it is needed again');
      await this.stop();
    }
  }

  private async ensureContext(): Promise<BrowserContext> {
    if (this.context) return this.context;
    this.starting ??= this.launch().then(
      (context) => {
        this.context = context;
        return context;
      },
      (error) => {
        this.starting = undefined;
        throw error;
      },
    );
    return this.starting;
  }

  private async launch(): Promise<BrowserContext> {
    const executablePath = findBrowserExecutable(this.options.executablePath);
    if (!executablePath) throw BrowserErrors.noBrowser();
    fs.mkdirSync(this.options.userDataDir, { recursive: true, mode: 0o700 });
    const { chromium } = await import('playwright-core');
    let context: BrowserContext;
    try {
      context = await chromium.launchPersistentContext(this.options.userDataDir, {
        executablePath,
        headless: this.options.headless,
        args: this.options.headless ? CHROMIUM_ARGS : CHROMIUM_ARGS.filter((arg) => arg !== '--headless'),
        acceptDownloads: false,
        // A service worker's fetches bypass request routing, so the policy could not see them.
        serviceWorkers: 'block',
        viewport: { width: 1280, height: 800 },
        timeout: Math.max(this.options.actionTimeoutMs, 30_000),
      });
    } catch (error) {
      this.options.log(`browser launch failed: ${firstLine(error)}`);
      throw BrowserErrors.launchFailed();
    }
    await context.route('**/*', (route) => this.guardRequest(route));
    await context.routeWebSocket(/.*/, (socket) => this.guardWebSocket(socket));
    // The persistent profile reopens with its own blank tab; ours are made on demand.
    for (const page of context.pages()) await page.close().catch(() => undefined);
    context.on('close', () => {
      if (this.context === context) {
        this.context = undefined;
        this.starting = undefined;
        this.tabs.clear();
      }
    });
    this.idleTimer = setInterval(
      () => void this.closeIdle().catch(() => undefined),
      Math.min(30_000, this.options.idleTimeoutMs / 4),
    );
    this.idleTimer.unref();
    this.options.log('browser started');
    return context;
  }

  /**
   * Playwright calls a route only for the first URL of a redirect chain, so
   * each request is fetched here without following redirects: the Location
   * of a 3xx is checked like any other URL before the browser sees it.
   */
  private async guardRequest(route: Route): Promise<void> {
    const request = route.request();
    const tab = this.tabOfRequest(route);
    const isMainFrame = request.isNavigationRequest() && request.frame().parentFrame() === null;
    const verdict = await this.options.policy.check(request.url());
    if (!verdict.allowed) {
      this.options.log(`browser blocked ${request.resourceType()} ${shortUrl(request.url())}: ${verdict.reason}`);
      if (tab && isMainFrame) tab.blocked = BrowserErrors.refused(request.url(), verdict.reason).message;
      await route.abort('blockedbyclient').catch(() => undefined);
      return;
    }
    try {
      const response = await route.fetch({ maxRedirects: 0, timeout: this.options.actionTimeoutMs });
      const location = response.status() >= 300 && response.status() < 400 ? response.headers()['location'] : undefined;
      if (location !== undefined) {
        const target = new URL(location, request.url()).href;
        const next = await this.options.policy.check(target);
        if (!next.allowed) {
          this.options.log(`browser blocked a redirect to ${shortUrl(target)}: ${next.reason}`);
          if (tab && isMainFrame) tab.blocked = BrowserErrors.refused(target, `(redirected) ${next.reason}`).message;
          await route.abort('blockedbyclient').catch(() => undefined);
          return;
        }
      }
      await route.fulfill({ response });
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      if (tab && isMainFrame) {
        tab.blocked = timedOut
          ? BrowserErrors.timedOut(`loading ${shortUrl(request.url())}`, this.options.actionTimeoutMs).message
          : undefined;
      }
      await route.abort(timedOut ? 'timedout' : 'failed').catch(() => undefined);
    }
  }

  private async guardWebSocket(socket: WebSocketRoute): Promise<void> {
    const url = socket.url().replace(/^ws/, 'http');
    const verdict = await this.options.policy.check(url);
    if (!verdict.allowed) {
      this.options.log(`browser blocked a websocket to ${shortUrl(url)}: ${verdict.reason}`);
      await socket.close({ code: 1008, reason: 'blocked by the gateway browser policy' }).catch(() => undefined);
      return;
    }
    socket.connectToServer();
  }

  private tabOfRequest(route: Route): Tab | undefined {
    try {
      const page = route.request().frame().page();
      return [...this.tabs.values()].find((tab) => tab.page === page);
    } catch {
      return undefined;
    }
  }

  private async goto(tab: Tab, url: string): Promise<TabInfo> {
    const verdict = await this.options.policy.check(url);
    if (!verdict.allowed) throw BrowserErrors.refused(url, verdict.reason);
    tab.blocked = undefined;
    try {
      await this.gotoOnce(tab, url);
    } catch (error) {
      if (tab.blocked) throw new BrowserError(/did not finish/.test(tab.blocked) ? 'TIMEOUT' : 'REFUSED', tab.blocked);
      if (error instanceof Error && error.name === 'TimeoutError')
        throw BrowserErrors.timedOut(`navigating to ${shortUrl(url)}`, this.options.actionTimeoutMs);
      this.options.log(`browser navigation failed: ${firstLine(error)}`);
      throw BrowserErrors.loadFailed(url, netError(error));
    }
    return this.info(tab);
  }

  /**
   * After a refused or failed load Chromium commits its error page a moment
   * later, which can cut the next navigation short ("interrupted by another
   * navigation to chrome-error://…"); such a navigation is simply tried again.
   */
  private async gotoOnce(tab: Tab, url: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await tab.page.goto(url, { timeout: this.options.actionTimeoutMs, waitUntil: 'domcontentloaded' });
        return;
      } catch (error) {
        const next = interruptingNavigation(error);
        if (next === undefined || tab.blocked) throw error;
        if (!next.startsWith('chrome-error:')) return this.followRedirects(tab, next);
        if (attempt >= 3) throw error;
      }
    }
  }

  /**
   * A redirect that guardRequest checked and fulfilled reaches Playwright as a
   * new navigation that "interrupts" the first; each hop was already checked
   * by the route, so the load is simply followed to its end.
   */
  private async followRedirects(tab: Tab, target: string): Promise<void> {
    for (let hop = 1; ; hop++) {
      try {
        // A predicate, not the string: Playwright reads a string as a glob, and URLs may hold `?`, `*`, `{` or `[`.
        const hop = target;
        await tab.page.waitForURL((url) => url.href === hop, {
          timeout: this.options.actionTimeoutMs,
          waitUntil: 'domcontentloaded',
        });
        return;
      } catch (error) {
        const next = interruptingNavigation(error);
        if (next === undefined || next.startsWith('chrome-error:') || hop >= MAX_REDIRECT_HOPS || tab.blocked) throw error;
        target = next;
      }
    }
  }

  private async tabFor(selector: TabSelector, create: boolean): Promise<Tab> {
    if (selector.targetId) {
      const tab = this.tabs.get(selector.targetId);
      if (!tab) throw BrowserErrors.unknownTab(selector.targetId);
      return tab;
    }
    const own = this.ownTab(selector.owner);
    if (own) return own;
    if (!create) throw BrowserErrors.noTab();
    return this.newTab(selector.owner);
  }

  private ownTab(owner: string): Tab | undefined {
    let found: Tab | undefined;
    for (const tab of this.tabs.values()) if (tab.owner === owner && (!found || tab.lastUsedAt >= found.lastUsedAt)) found = tab;
    return found;
  }

  private async newTab(owner: string): Promise<Tab> {
    const context = await this.ensureContext();
    const page = await context.newPage();
    page.setDefaultTimeout(this.options.actionTimeoutMs);
    page.setDefaultNavigationTimeout(this.options.actionTimeoutMs);
    const tab: Tab = { id: `t${this.nextTabNumber++}`, page, owner, lastUsedAt: this.now(), queue: Promise.resolve() };
    page.on('close', () => {
      if (this.tabs.get(tab.id) === tab) this.tabs.delete(tab.id);
    });
    this.tabs.set(tab.id, tab);
    return tab;
  }

  /**
   * Runs one call on a tab after the calls before it, bounded in time: a
   * page stuck in a script loop cannot hold the caller past the timeout.
   */
  private run<T>(tab: Tab, what: string, call: () => Promise<T>): Promise<T> {
    const started = this.now();
    const limit = this.options.actionTimeoutMs + 2_000;
    const result = tab.queue
      .catch(() => undefined)
      .then(() => withDeadline(call(), limit, () => BrowserErrors.timedOut(what, limit)));
    tab.queue = result.catch(() => undefined);
    tab.lastUsedAt = started;
    return result.then(
      (value) => {
        tab.lastUsedAt = this.now();
        this.options.log(`browser ${what} on ${tab.id} (${shortUrl(tab.page.url())}) ok in ${this.now() - started} ms`);
        return value;
      },
      (error: unknown) => {
        const code = error instanceof BrowserError ? error.code : 'ERROR';
        this.options.log(`browser ${what} on ${tab.id} failed (${code}) after ${this.now() - started} ms`);
        throw toBrowserError(error, what, this.options.actionTimeoutMs);
      },
    );
  }

  private async element(tab: Tab, ref: string | undefined) {
    if (!ref || !/^\d{1,6}$/.test(ref))
      throw BrowserErrors.invalid('ref must be the number of an element from the last snapshot');
    const locator = tab.page.locator(`[${REF_ATTRIBUTE}="${ref}"]`);
    if ((await locator.count()) === 0) throw BrowserErrors.unknownRef(ref);
    return locator.first();
  }

  private async info(tab: Tab): Promise<TabInfo> {
    return { targetId: tab.id, url: tab.page.url(), title: await this.title(tab) };
  }

  private async title(tab: Tab): Promise<string> {
    return (await tab.page.title().catch(() => '')).slice(0, 200);
  }
}

/** Playwright's first line names the failure; later lines can quote the page, so they stay out of logs. */
function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0].slice(0, 300);
}

function requireKey(key: string | undefined): string {
  if (!key || !/^[\w+-]{1,32}$/.test(key)) throw BrowserErrors.invalid('act press needs a key such as "Enter" or "Control+A"');
  return key;
}

function withDeadline<T>(work: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/** Playwright's own messages can quote the page; only our errors pass through, anything else is summarised. */
/** What evaluateSettled needs of a Playwright page. */
export interface EvaluatingPage {
  evaluate(expression: string): Promise<unknown>;
  waitForLoadState(state: 'domcontentloaded', options: { timeout: number }): Promise<void>;
}

/**
 * Evaluates on the page as it is now. A navigation that commits between the
 * last load and the evaluation (seen after a run of refused and redirected
 * loads) destroys the context the evaluation was sent to; the page it went
 * to is read instead, once.
 */
export async function evaluateSettled(page: EvaluatingPage, expression: string, timeoutMs: number): Promise<unknown> {
  try {
    return await page.evaluate(expression);
  } catch (error) {
    if (!(error instanceof Error) || !/Execution context was destroyed/.test(error.message)) throw error;
    await page.waitForLoadState('domcontentloaded', { timeout: timeoutMs });
    return page.evaluate(expression);
  }
}

function toBrowserError(error: unknown, what: string, timeoutMs: number): BrowserError {
  if (error instanceof BrowserError) return error;
  if (error instanceof Error && error.name === 'TimeoutError') return BrowserErrors.timedOut(what, timeoutMs);
  return new BrowserError('UNAVAILABLE', `browser ${what} failed (${netError(error)})`);
}

function interruptingNavigation(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  return /interrupted by another navigation to "([^"]+)"/.exec(error.message)?.[1];
}

/** Chromium's net::ERR_* code, or a generic word; never the rest of the message. */
function netError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/closed/i.test(message)) return 'the page or browser was closed';
  return /net::ERR_[A-Z_]+/.exec(message)?.[0] ?? 'the browser reported an error';
}
