import * as fs from 'node:fs';
import * as path from 'node:path';
import { findChromium } from '../support/browser';
import { runCli } from '../support/cli-process';
import { FakeOpenAi, reply, type ChatRequest } from '../support/fake-openai';
import { FakeTelegram } from '../support/fake-telegram';
import { FixtureSite } from '../support/fixture-site';
import { skippedSuite } from '../support/skip-notice';
import { createTestApp, TestApp } from '../support/test-app';
import { WsTestClient } from '../support/ws-test-client';

const CHROMIUM = findChromium();
const OWNER = { id: 5151, first_name: 'Grace', username: 'grace' };
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Short, so the hung-page case ends quickly; fixture pages load in milliseconds. */
const ACTION_TIMEOUT_MS = 4_000;

const HOME = `<!doctype html><title>Fixture home</title>
<h1>Fixture home</h1>
<p>The secret word is <b>pelican</b>.</p>
<a href="/next">Go next</a>
<label>Search <input name="q"></label>`;
const NEXT = `<!doctype html><title>Next page</title><p>The second page says flamingo.</p>`;
/** Random pixels over the whole viewport: a PNG of about 3 MB, too big for one answer on an operator's socket. */
const NOISY = `<!doctype html><title>Noise</title><body style="margin:0"><canvas id="c" width="1280" height="800"></canvas>
<script>
  const ctx = document.getElementById('c').getContext('2d');
  const image = ctx.createImageData(1280, 800);
  for (let i = 0; i < image.data.length; i++) image.data[i] = i % 4 === 3 ? 255 : (Math.random() * 256) | 0;
  ctx.putImageData(image, 0, 0);
</script>`;

if (!CHROMIUM) {
  skippedSuite('browser tool in headless Chromium', 'no chromium binary', 'apt-get install chromium, or set CHROMIUM_PATH');
} else {
  describe('browser tool in headless Chromium', () => {
    let site: FixtureSite;
    /** Not in allowUrls: every request that reaches it is a policy failure. */
    let forbidden: FixtureSite;
    let telegram: FakeTelegram;
    let model: FakeOpenAi;
    let app: TestApp;
    let operator: WsTestClient;

    beforeAll(async () => {
      forbidden = await FixtureSite.start({ '/secret': 'internal admin page', '/pixel.png': 'x' });
      site = await FixtureSite.start({
        '/': HOME,
        '/next': NEXT,
        '/noisy': NOISY,
        '/hang': FixtureSite.hang(),
        '/to-forbidden': FixtureSite.redirect(() => `${forbidden.origin}/secret`),
        '/to-next': FixtureSite.redirect(() => `${site.origin}/next`),
        '/with-image': `<!doctype html><p>Has an image</p><img src="${forbidden.origin}/pixel.png">`,
      });
      telegram = await new FakeTelegram().start();
      model = await FakeOpenAi.start();
      app = await createTestApp({
        config: {
          channels: {
            telegram: {
              enabled: true,
              botToken: telegram.token,
              apiRoot: telegram.apiRoot,
              dmPolicy: 'allowlist',
              allowFrom: [OWNER.id],
            },
          },
          agent: { provider: 'openai', model: 'fake-model', baseUrl: model.baseUrl, apiKey: 'test-key', timeoutMs: 60_000 },
          tools: {
            browser: {
              enabled: true,
              executablePath: CHROMIUM,
              // The fixture site explicitly; "localhost" on any port, to show the gateway's own port stays shut anyway.
              allowUrls: [`${site.origin}/*`, 'http://localhost:*'],
              actionTimeoutMs: ACTION_TIMEOUT_MS,
            },
          },
        },
      });
      operator = await WsTestClient.connected(app.url, { auth: { token: app.token } });
    }, 60_000);

    afterAll(async () => {
      await operator?.close();
      await app?.close();
      await model?.close();
      await telegram?.stop();
      await site?.close();
      await forbidden?.close();
    });

    function browserRequest(method: string, path: string, body?: unknown, query?: Record<string, unknown>) {
      return operator.request('browser.request', { method, path, body, query }, 60_000);
    }

    it('answers a Telegram question from the page: navigate → snapshot → click → snapshot → screenshot → photo', async () => {
      const toolResults = (request: ChatRequest) => request.body.messages.filter((m) => m.role === 'tool');
      model.respondWith((request) => {
        const results = toolResults(request);
        const call = (name: string, args: unknown) => reply.tools({ id: `call-${results.length}`, name, arguments: args });
        switch (results.length) {
          case 0:
            return call('browser', { action: 'navigate', url: `${site.origin}/` });
          case 1:
            return call('browser', { action: 'snapshot' });
          case 2: {
            const ref = /\[(\d+)\] link "Go next"/.exec(results[1].content ?? '')?.[1];
            return call('browser', { action: 'click', ref: ref ?? 'missing' });
          }
          case 3:
            return call('browser', { action: 'snapshot' });
          case 4:
            return call('browser', { action: 'screenshot' });
          default: {
            const said = /second page says (\w+)/.exec(results[3].content ?? '')?.[1];
            return reply.text(`The page says: ${said ?? 'nothing I could read'}`);
          }
        }
      });

      telegram.pushMessage({ chatId: OWNER.id, from: OWNER, text: 'What does the fixture page say after "Go next"?' });
      const [answer] = await telegram.waitForSent(OWNER.id, 1, 60_000);
      const photo = await telegram.waitUntil(() => telegram.photos[0], 20_000, 'a sendPhoto call');

      expect(answer.text).toBe('The page says: flamingo');
      expect(photo.chat_id).toBe(String(OWNER.id));
      expect(photo.photo.subarray(0, 8).equals(PNG_MAGIC)).toBe(true);
      expect(photo.photo.length).toBeGreaterThan(1_000);
      // The photo follows the text it illustrates.
      expect(photo.message_id).toBeGreaterThan(answer.message_id);

      const last = model.requests.at(-1)!;
      expect(last.body.tools?.map((t) => t.function.name)).toContain('browser');
      const firstSnapshot = toolResults(last)[1].content ?? '';
      expect(firstSnapshot).toContain('pelican');
      expect(firstSnapshot).toMatch(/<<<untrusted-page-text [0-9a-f]+: written by the web page/);
      expect(firstSnapshot).toMatch(/\[\d+\] textbox "Search"/);
    }, 120_000);

    it('serves the reference routes over browser.request', async () => {
      const status = await browserRequest('GET', '/');
      expect(status).toMatchObject({ ok: true, payload: { enabled: true, running: true, headless: true } });

      const opened = await browserRequest('POST', '/tabs/open', { url: `${site.origin}/` });
      expect(opened).toMatchObject({ ok: true, payload: { ok: true, url: `${site.origin}/`, title: 'Fixture home' } });
      const targetId = (opened.payload as { targetId: string }).targetId;

      const tabs = await browserRequest('GET', '/tabs');
      expect((tabs.payload as { tabs: Array<{ targetId: string }> }).tabs.map((t) => t.targetId)).toContain(targetId);

      const snapshot = await browserRequest('GET', '/snapshot', undefined, { targetId });
      const text = (snapshot.payload as { snapshot: string }).snapshot;
      expect(text).toContain('# Fixture home');
      const searchRef = /\[(\d+)\] textbox "Search"/.exec(text)?.[1];
      expect(searchRef).toBeDefined();

      const typed = await browserRequest('POST', '/act', { kind: 'type', ref: searchRef, text: 'hello browser', targetId });
      expect(typed.ok).toBe(true);
      const after = await browserRequest('GET', '/snapshot', undefined, { targetId });
      expect((after.payload as { snapshot: string }).snapshot).toContain('value="hello browser"');

      const shot = await browserRequest('POST', '/screenshot', { targetId });
      expect(shot).toMatchObject({ ok: true, payload: { mimeType: 'image/png' } });
      const png = Buffer.from((shot.payload as { imageBase64: string }).imageBase64, 'base64');
      expect(png.subarray(0, 8).equals(PNG_MAGIC)).toBe(true);

      const unknown = await browserRequest('POST', '/act', { kind: 'click', ref: '999', targetId });
      expect(unknown).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST', details: { browserError: 'NOT_FOUND' } } });
      expect(unknown.error?.message).toContain('take a new snapshot');

      const noRoute = await browserRequest('GET', '/cookies');
      expect(noRoute.ok).toBe(false);
      expect(noRoute.error?.message).toContain('no browser route GET /cookies');
    }, 90_000);

    describe('refuses server-side request forgery', () => {
      it('a loopback address without an allowUrls entry, before any request is made', async () => {
        const res = await browserRequest('POST', '/navigate', { url: `${forbidden.origin}/secret` });
        expect(res).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST', details: { browserError: 'REFUSED' } } });
        expect(res.error?.message).toContain('a loopback address');
        expect(res.error?.message).toContain('tools.browser.allowUrls');
        expect(forbidden.hits).toEqual([]);
      });

      it('link-local metadata addresses and private ranges', async () => {
        for (const url of ['http://169.254.169.254/latest/meta-data/', 'http://10.1.2.3/', 'http://[::1]:9/']) {
          const res = await browserRequest('POST', '/navigate', { url });
          expect(res.ok).toBe(false);
          expect(res.error?.details).toMatchObject({ browserError: 'REFUSED' });
        }
      });

      it('file: and other schemes', async () => {
        for (const url of ['file:///etc/passwd', 'chrome://settings', 'javascript:alert(1)', 'data:text/html,<p>x</p>']) {
          const res = await browserRequest('POST', '/navigate', { url });
          expect(res.ok).toBe(false);
          expect(res.error?.message).toContain('only http: and https: pages may be opened');
        }
      });

      it("the gateway's own port, even when an allowUrls entry matches it", async () => {
        const res = await browserRequest('POST', '/navigate', { url: `http://localhost:${app.port}/` });
        expect(res.ok).toBe(false);
        expect(res.error?.message).toContain("this gateway's own port");
      });

      it('a redirect from an allowed page to a refused address, re-checked on the hop', async () => {
        const res = await browserRequest('POST', '/navigate', { url: `${site.origin}/to-forbidden` });
        expect(res).toMatchObject({ ok: false, error: { details: { browserError: 'REFUSED' } } });
        expect(res.error?.message).toContain('(redirected)');
        expect(forbidden.hits).toEqual([]);
        // An allowed hop is followed as usual.
        const ok = await browserRequest('POST', '/navigate', { url: `${site.origin}/to-next` });
        expect(ok.error).toBeUndefined();
        expect(ok).toMatchObject({ ok: true, payload: { url: `${site.origin}/next` } });
      });

      it("a page's subresources to a refused address are blocked", async () => {
        const res = await browserRequest('POST', '/navigate', { url: `${site.origin}/with-image` });
        expect(res.ok).toBe(true);
        const snapshot = await browserRequest('GET', '/snapshot');
        expect(snapshot.error).toBeUndefined();
        expect((snapshot.payload as { snapshot: string }).snapshot).toContain('Has an image');
        expect(forbidden.hits).toEqual([]);
      });
    });

    it('a hung page times out with a clear error, and the tab keeps working', async () => {
      const res = await browserRequest('POST', '/navigate', { url: `${site.origin}/hang` });
      expect(res).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE', details: { browserError: 'TIMEOUT' } } });
      expect(res.error?.message).toContain(`within ${ACTION_TIMEOUT_MS} ms`);
      const again = await browserRequest('POST', '/navigate', { url: `${site.origin}/next` });
      expect(again).toMatchObject({ ok: true, payload: { title: 'Next page' } });
    }, 30_000);

    it('drives the same routes from the CLI: open, snapshot, screenshot -o', async () => {
      const env = { NESTCLAW_STATE_DIR: app.stateDir, NESTCLAW_GATEWAY_PORT: String(app.port) };
      const opened = runCli(['browser', 'open', `${site.origin}/`, '--timeout', '60000'], env);
      expect((await opened.exited).code).toBe(0);
      expect(opened.output()).toContain('Fixture home');

      const snapshot = runCli(['browser', 'snapshot', '--json', '--timeout', '60000'], env);
      expect((await snapshot.exited).code).toBe(0);
      expect(JSON.parse(snapshot.output()).snapshot).toMatch(/\[\d+\] link "Go next"/);

      const file = path.join(app.stateDir, 'cli-shot.png');
      const shot = runCli(['browser', 'screenshot', '-o', file, '--timeout', '60000'], env);
      expect((await shot.exited).code).toBe(0);
      expect(fs.readFileSync(file).subarray(0, 8).equals(PNG_MAGIC)).toBe(true);

      const refused = runCli(['browser', 'navigate', `${forbidden.origin}/secret`, '--timeout', '60000'], env);
      expect((await refused.exited).code).not.toBe(0);
      expect(refused.output()).toContain('tools.browser.allowUrls');
    }, 90_000);

    it('answers a screenshot too big for one answer by mediaId, fetched in pieces by the CLI', async () => {
      const opened = await browserRequest('POST', '/navigate', { url: `${site.origin}/noisy` });
      expect(opened).toMatchObject({ ok: true, payload: { title: 'Noise' } });
      const shot = await browserRequest('POST', '/screenshot');
      expect(shot.ok).toBe(true);
      const payload = shot.payload as { mediaId?: string; imageBase64?: string; bytes: number; mimeType: string };
      expect(payload.imageBase64).toBeUndefined();
      expect(payload.mediaId).toMatch(/^screenshot-\d+-[0-9a-f]{12}\.png$/);
      expect(payload.bytes).toBeGreaterThan(1024 * 1024);
      // The operator's socket is still open: the picture did not overflow its send buffer.
      expect((await browserRequest('GET', '/')).ok).toBe(true);
      const first = await operator.request('chat.media', { mediaId: payload.mediaId });
      expect(first).toMatchObject({ ok: true, payload: { offset: 0, bytes: payload.bytes, done: false } });

      const env = { NESTCLAW_STATE_DIR: app.stateDir, NESTCLAW_GATEWAY_PORT: String(app.port) };
      const file = path.join(app.stateDir, 'cli-noisy.png');
      const cli = runCli(['browser', 'screenshot', '-o', file, '--timeout', '60000'], env);
      expect((await cli.exited).code).toBe(0);
      const png = fs.readFileSync(file);
      expect(png.subarray(0, 8).equals(PNG_MAGIC)).toBe(true);
      expect(png.length).toBeGreaterThan(1024 * 1024);
      expect(cli.output()).toContain(`wrote ${png.length} bytes`);
    }, 90_000);

    it('stops the browser on POST /stop', async () => {
      const stopped = await browserRequest('POST', '/stop');
      expect(stopped).toMatchObject({ ok: true, payload: { running: false, tabs: 0 } });
    });
  });
}
