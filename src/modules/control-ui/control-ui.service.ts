import { Injectable, Logger } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GatewayRuntime } from '../config/gateway-runtime';
import type { NextFunction } from '../gateway/http/gateway-http.adapter';
import { requestPath, requestQuery, sendBytes, sendRedirect } from '../gateway/http/http-io';
import { normalizeBasePath } from './base-path';
import { assetOf, ControlUiAsset, loadControlUiAssets, renderIndex } from './control-ui-assets';
import { controlUiHeaders } from './security-headers';

/** Serves the Control UI page and its assets from memory under the configured base path. */
@Injectable()
export class ControlUiService {
  private readonly logger = new Logger('ControlUi');
  readonly basePath: string;
  private readonly assets: Map<string, ControlUiAsset> | undefined;

  constructor(runtime: GatewayRuntime) {
    const settings = runtime.config.gateway.controlUi;
    this.basePath = normalizeBasePath(settings.basePath);
    const assets = settings.enabled ? loadControlUiAssets() : undefined;
    if (settings.enabled && !assets) {
      this.logger.warn('the Control UI is enabled but its files are missing; run `npm run build` to build them');
    }
    const index = assets?.get('index.html');
    if (assets && index) {
      assets.set(
        'index.html',
        assetOf(index.contentType, renderIndex(index.body, { allowInsecureAuth: settings.allowInsecureAuth })),
      );
    }
    this.assets = assets;
  }

  get enabled(): boolean {
    return this.assets !== undefined;
  }

  /** Middleware: answers GET/HEAD for the page, passes everything else on (in the end to Nest's 404). */
  readonly handle = (req: IncomingMessage, res: ServerResponse, next: NextFunction): void => {
    if (!this.assets || (req.method !== 'GET' && req.method !== 'HEAD')) return next();
    const pathname = requestPath(req);
    if (this.basePath !== '/' && pathname === this.basePath.slice(0, -1)) {
      // Relative asset URLs need the trailing slash; keep the query as it was.
      sendRedirect(res, 301, this.basePath + requestQuery(req));
      return;
    }
    if (!pathname.startsWith(this.basePath)) return next();
    const relative = pathname.slice(this.basePath.length) || 'index.html';
    const asset = this.assets.get(relative);
    if (!asset) return next();
    const headers = { ...controlUiHeaders(req.headers.host), 'Content-Type': asset.contentType, ETag: asset.etag };
    // Cache-Control: no-cache makes browsers revalidate; an unchanged build costs them a 304 and no body.
    if (req.headers['if-none-match'] === asset.etag) {
      for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
      res.statusCode = 304;
      res.end();
      return;
    }
    sendBytes(res, 200, asset.body, headers);
  };
}
