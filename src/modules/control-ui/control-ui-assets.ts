import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface ControlUiAsset {
  contentType: string;
  body: Buffer;
  /** A strong validator of the body, for If-None-Match. */
  etag: string;
}

export function assetOf(contentType: string, body: Buffer): ControlUiAsset {
  return { contentType, body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
};

/** Where `npm run build` puts the page: dist/control-ui, whether this file runs from dist/ or (under ts-jest) from src/. */
export function defaultAssetDirs(): string[] {
  return [path.resolve(__dirname, '..', '..', 'control-ui'), path.resolve(__dirname, '..', '..', '..', 'dist', 'control-ui')];
}

/**
 * The built page, read once at start-up into memory: a fixed set of files
 * keyed by their relative URL path, so no request path ever reaches the file
 * system. Source maps are left out on purpose.
 */
export function loadControlUiAssets(dirs: readonly string[] = defaultAssetDirs()): Map<string, ControlUiAsset> | undefined {
  const root = dirs.find((dir) => fs.existsSync(path.join(dir, 'index.html')));
  if (!root) return undefined;
  const assets = new Map<string, ControlUiAsset>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(full);
        continue;
      }
      const contentType = CONTENT_TYPES[path.extname(entry.name)];
      if (!entry.isFile() || !contentType) continue;
      assets.set(path.relative(root, full).split(path.sep).join('/'), assetOf(contentType, fs.readFileSync(full)));
    }
  };
  walk(root);
  return assets;
}

/** What the page needs to know before it connects; rendered into index.html, since inline scripts are not allowed. */
export interface PageSettings {
  allowInsecureAuth: boolean;
}

export const SETTINGS_PLACEHOLDER = '__NESTCLAW_CONTROL_UI_SETTINGS__';

export function renderIndex(template: Buffer, settings: PageSettings): Buffer {
  const json = JSON.stringify(settings)
    .replace(/&/g, '&amp;')
    .replace(/"/g, '&quot;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
  return Buffer.from(template.toString('utf8').replace(SETTINGS_PLACEHOLDER, json), 'utf8');
}
