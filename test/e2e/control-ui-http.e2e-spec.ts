import * as fs from 'node:fs';
import * as path from 'node:path';
import request from 'supertest';
import { buildControlUi } from '../support/browser';
import { createTestApp, TestApp } from '../support/test-app';
import { WsTestClient } from '../support/ws-test-client';

const ASSET_DIR = path.resolve(__dirname, '..', '..', 'dist', 'control-ui');

function allAssets(dir = ASSET_DIR): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? allAssets(full) : [path.relative(ASSET_DIR, full).split(path.sep).join('/')];
  });
}

beforeAll(() => buildControlUi(), 120_000);

describe('Control UI over HTTP (default base path)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ config: { gateway: { auth: { token: 'http-test-token-123456' } } } });
  });
  afterAll(() => app.close());

  it('serves the page at / with a strict CSP and the hardening headers', async () => {
    const res = await request(app.httpUrl).get('/').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    const csp = res.headers['content-security-policy'];
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${app.port} wss://127.0.0.1:${app.port}`);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.text).toContain('<script type="module" src="./main.js"></script>');
    // Settings are rendered into a meta tag, HTML-escaped; no inline script or style carries them.
    expect(res.text).toContain('<meta name="nestclaw-control-ui" content="{&quot;allowInsecureAuth&quot;:false}">');
    expect(res.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(res.text).not.toMatch(/<style|\sstyle=/);
  });

  it('serves the scripts and stylesheet with their types and the same headers', async () => {
    const js = await request(app.httpUrl).get('/main.js').expect(200);
    expect(js.headers['content-type']).toMatch(/^text\/javascript/);
    expect(js.headers['content-security-policy']).toContain("default-src 'self'");
    const nested = await request(app.httpUrl).get('/views/chat.js').expect(200);
    expect(nested.text).toContain('chat.send');
    const css = await request(app.httpUrl).get('/app.css').expect(200);
    expect(css.headers['content-type']).toMatch(/^text\/css/);
  });

  it('answers a revalidation of an unchanged asset with 304 and no body', async () => {
    const first = await request(app.httpUrl).get('/main.js').expect(200);
    const etag = first.headers['etag'];
    expect(etag).toMatch(/^"[\w-]+"$/);

    const again = await request(app.httpUrl).get('/main.js').set('If-None-Match', etag).expect(304);
    expect(again.text).toBeFalsy();
    expect(again.headers['content-security-policy']).toContain("default-src 'self'");
    await request(app.httpUrl).get('/main.js').set('If-None-Match', '"stale"').expect(200);
  });

  it('keeps the health endpoint and answers 404 for unknown paths and traversal attempts', async () => {
    await request(app.httpUrl).get('/healthz').expect(200, { ok: true });
    await request(app.httpUrl).get('/nope.js').expect(404);
    await request(app.httpUrl).get('/..%2f..%2fpackage.json').expect(404);
    await request(app.httpUrl).get('/%2e%2e/package.json').expect(404);
    await request(app.httpUrl).post('/').expect(404);
  });

  it('references nothing outside the gateway in any asset', () => {
    const files = allAssets();
    expect(files).toEqual(expect.arrayContaining(['index.html', 'main.js', 'app.css']));
    for (const file of files) {
      const text = fs.readFileSync(path.join(ASSET_DIR, file), 'utf8');
      // No http(s):// or protocol-relative URL, and no CSS or module import from elsewhere.
      // (the SVG namespace is an identifier, and localhost appears only in the SSH tunnel hint text).
      const external = (text.match(/\bhttps?:\/\/[^\s'"`)]+/g) ?? []).filter(
        (url) => url !== 'http://www.w3.org/2000/svg' && !/^http:\/\/(localhost|127\.0\.0\.1)[:/]/.test(url),
      );
      expect({ file, external }).toEqual({ file, external: [] });
      expect(text).not.toMatch(/(?:src|href)=["']\/\//);
      expect(text).not.toMatch(/@import\s+url\(/);
      expect(text).not.toMatch(/from\s+['"](?!\.\.?\/)/);
    }
  });

  it('never reads the gateway URL or the secret from the query string', () => {
    const scripts = allAssets().filter((f) => f.endsWith('.js'));
    for (const file of scripts) {
      const text = fs.readFileSync(path.join(ASSET_DIR, file), 'utf8');
      expect({
        file,
        usesSearch: /location\.search(?!\))/.test(text.replace(/location\.pathname \+ location\.search/g, '')),
      }).toEqual({ file, usesSearch: false });
      expect(text).not.toContain('searchParams');
    }
  });
});

describe('Control UI under a base path', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({
      config: { gateway: { auth: { token: 'http-test-token-123456' }, controlUi: { basePath: '/ui', allowInsecureAuth: true } } },
    });
  });
  afterAll(() => app.close());

  it('serves the page under the base path only, redirecting the bare path to the trailing slash', async () => {
    const page = await request(app.httpUrl).get('/ui/').expect(200);
    expect(page.text).toContain('{&quot;allowInsecureAuth&quot;:true}');
    await request(app.httpUrl).get('/ui/main.js').expect(200);
    await request(app.httpUrl).get('/ui').expect(301).expect('Location', '/ui/');
    await request(app.httpUrl).get('/ui?x=1').expect(301).expect('Location', '/ui/?x=1');
    await request(app.httpUrl).get('/').expect(404);
    await request(app.httpUrl).get('/main.js').expect(404);
  });

  it('still takes the WebSocket on the root path', async () => {
    const client = await WsTestClient.connected(app.url, { auth: { token: 'http-test-token-123456' } });
    await client.close();
  });
});

describe('Control UI disabled', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({
      config: { gateway: { auth: { token: 'http-test-token-123456' }, controlUi: { enabled: false } } },
    });
  });
  afterAll(() => app.close());

  it('answers 404 for the page and its assets, and keeps health', async () => {
    await request(app.httpUrl).get('/').expect(404);
    await request(app.httpUrl).get('/main.js').expect(404);
    await request(app.httpUrl).get('/app.css').expect(404);
    await request(app.httpUrl).get('/healthz').expect(200);
  });
});
