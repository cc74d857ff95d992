import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import * as path from 'node:path';
import {
  BrowserController,
  BrowserError,
  BrowserRouteRequest,
  handleBrowserRoute,
  OPERATOR_TAB_OWNER,
  UrlPolicy,
} from '../../common/browser';
import { GatewayRuntime } from '../config/gateway-runtime';
import { NodesService } from '../nodes/nodes.service';
import { BrowserMediaRepository, isPng, MEDIA_MAX_BYTES } from './browser-media.repository';
import { BrowserModuleErrors } from './browser.errors';

/** The node command a `nestclaw node run --browser` host serves the routes under. */
export const BROWSER_PROXY_COMMAND = 'browser.proxy';
const NODE_ANSWER_MARGIN_MS = 5_000;
/** Base64 characters an operator's screenshot answer may carry inline; a larger picture goes through chat.media. */
const INLINE_SCREENSHOT_MAX_CHARS = 1024 * 1024;

/**
 * The browser on the gateway host, or on the node named by tools.browser.node.
 * Operators (`browser.request`) and the agent's `browser` tool both come
 * through request(): one set of routes, one URL policy, one place that logs.
 */
@Injectable()
export class BrowserService implements OnModuleDestroy {
  private readonly logger = new Logger('Browser');
  private controller?: BrowserController;

  constructor(
    private readonly runtime: GatewayRuntime,
    private readonly nodes: NodesService,
    private readonly media: BrowserMediaRepository,
  ) {}

  get enabled(): boolean {
    return this.runtime.config.tools.browser.enabled;
  }

  async onModuleDestroy(): Promise<void> {
    await this.controller?.stop();
  }

  /**
   * Runs one route. Errors are BrowserModuleErrors (or NodesErrors via a node) whose message says what to do;
   * `owner` picks the tab a request without a targetId uses.
   */
  async request(request: BrowserRouteRequest & { timeoutMs?: number }, owner = OPERATOR_TAB_OWNER): Promise<unknown> {
    if (!this.enabled) throw BrowserModuleErrors.disabled();
    const node = this.runtime.config.tools.browser.node;
    if (node) return this.viaNode(node, request, owner);
    try {
      return await handleBrowserRoute(this.local(), request, owner);
    } catch (error) {
      if (error instanceof BrowserError) throw BrowserModuleErrors.fromBrowser(error);
      throw error;
    }
  }

  /**
   * `browser.request` from an operator: the same routes, but a screenshot too
   * big for one answer on the operator's socket (which would close it as a
   * slow consumer) is stored and answered by `mediaId`, to fetch in pieces
   * with chat.media, instead of inline.
   */
  async operatorRequest(request: BrowserRouteRequest & { timeoutMs?: number }): Promise<unknown> {
    const result = await this.request(request);
    const isScreenshot = request.path.replace(/\/+$/, '') === '/screenshot';
    if (!isScreenshot || typeof result !== 'object' || result === null) return result;
    const shot = result as Record<string, unknown>;
    const base64 = typeof shot.imageBase64 === 'string' ? shot.imageBase64 : '';
    const inlineMax = Math.min(INLINE_SCREENSHOT_MAX_CHARS, Math.floor(this.runtime.limits.maxBufferedBytes / 2));
    if (base64.length <= inlineMax) return result;
    const png = Buffer.from(base64, 'base64');
    if (png.length > MEDIA_MAX_BYTES) throw BrowserModuleErrors.screenshotTooLarge(png.length, MEDIA_MAX_BYTES);
    if (!isPng(png)) throw BrowserModuleErrors.notPng();
    const mediaId = this.media.idOf(this.media.savePng(png).path)!;
    return { ...shot, imageBase64: undefined, mediaId };
  }

  private async viaNode(node: string, request: BrowserRouteRequest & { timeoutMs?: number }, owner: string): Promise<unknown> {
    const actionTimeout = request.timeoutMs ?? this.runtime.config.tools.browser.actionTimeoutMs;
    const result = await this.nodes.invoke({
      nodeId: node,
      command: BROWSER_PROXY_COMMAND,
      params: { method: request.method, path: request.path, query: request.query, body: request.body, owner },
      timeoutMs: actionTimeout + NODE_ANSWER_MARGIN_MS,
      // Browser calls change state on every run, so no two are the same call.
      idempotencyKey: `browser:${process.hrtime.bigint()}:${Math.random().toString(36).slice(2)}`,
    });
    return result.payload;
  }

  private local(): BrowserController {
    if (this.controller) return this.controller;
    const settings = this.runtime.config.tools.browser;
    this.controller = new BrowserController({
      executablePath: settings.executablePath,
      userDataDir: path.join(this.runtime.config.stateDir, 'browser', 'profile'),
      headless: settings.headless,
      policy: new UrlPolicy({
        allowUrls: settings.allowUrls,
        denyUrls: settings.denyUrls,
        protectedPort: this.runtime.port,
      }),
      actionTimeoutMs: settings.actionTimeoutMs,
      idleTimeoutMs: settings.idleTimeoutMs,
      snapshotMaxChars: settings.snapshotMaxChars,
      log: (line) => this.logger.log(line),
    });
    return this.controller;
  }
}
