import { Injectable, Logger } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { GatewayRuntime } from '../config/gateway-runtime';
import { normalizeBasePath } from './base-path';
import { ControlUiAsset, loadControlUiAssets, renderIndex } from './control-ui-assets';
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
      assets.set('index.html', { ...index, body: renderIndex(index.body, { allowInsecureAuth: settings.allowInsecureAuth }) });
    }
    this.assets = assets;
  }

  get enabled(): boolean {
    return this.assets !== undefined;
  }

  /** Express middleware: answers GET/HEAD for the page, passes everything else on. */
  readonly handle = (req: Request, res: Response, next: NextFunction): void => {
    if (!this.assets || (req.method !== 'GET' && req.method !== 'HEAD')) return next();
    const pathname = req.path;
    if (this.basePath !== '/' && pathname === this.basePath.slice(0, -1)) {
      // Relative asset URLs need the trailing slash; keep the query as it was.
      const queryAt = req.originalUrl.indexOf('?');
      res.redirect(301, this.basePath + (queryAt === -1 ? '' : req.originalUrl.slice(queryAt)));
      return;
    }
    if (!pathname.startsWith(this.basePath)) return next();
    const relative = pathname.slice(this.basePath.length) || 'index.html';
    const asset = this.assets.get(relative);
    if (!asset) return next();
    res.set(controlUiHeaders(req.headers.host));
    res.type(asset.contentType);
    res.status(200).send(asset.body);
  };
}
