import type { Browser, Page } from 'playwright-core';
import { artifactsDir, buildControlUi, findChromium, launchChromium } from '../support/browser';
import { skippedSuite } from '../support/skip-notice';
import { FakeOpenAi, reply, type ChatRequest } from '../support/fake-openai';
import { FixtureSite } from '../support/fixture-site';
import { createTestApp, TestApp } from '../support/test-app';
import { WsTestClient } from '../support/ws-test-client';

const TOKEN = 'webchat-browser-token-0123456789abcdef';
const CHROMIUM = findChromium();
const STEP_MS = 120_000;
/** The gateway's browser screenshots its viewport; the picture WebChat shows must have that width. */
const GATEWAY_VIEWPORT_WIDTH = 1280;

/** A page worth a screenshot: a big coloured block, so the PNG is real pixels, not a blank page. */
const FIXTURE = `<!doctype html><title>Screenshot fixture</title>
<body style="margin:0;background:#fff"><div style="width:600px;height:300px;background:#0a7"></div>
<h1>Pictured page</h1></body>`;

/** Model text a hostile page could get the model to repeat: none of it may become markup that runs. */
const HOSTILE_MARKDOWN = [
  '**Bold words** and *italic words* and `inline <code>`.',
  '<img src=x onerror="window.__pwned = 1">',
  '<script>window.__pwned = 2</script>',
  '[safe link](https://example.com/docs) and [evil link](javascript:window.__pwned=3) and [data](data:text/html,x)',
  '```html',
  '<b onmouseover="window.__pwned = 4">inside a block</b>',
  '```',
].join('\n');

/** The few DOM members the page checks read; this tsconfig has no DOM library. */
interface PageElement {
  tagName: string;
  textContent: string | null;
  rel?: string;
  attributes: ArrayLike<{ name: string }>;
  getAttribute(name: string): string | null;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): ArrayLike<PageElement>;
}
interface PageImage {
  complete: boolean;
  naturalWidth: number;
  naturalHeight: number;
  src: string;
}
const pwned = () => (globalThis as { __pwned?: number }).__pwned;

if (!CHROMIUM) {
  skippedSuite(
    'WebChat shows browser screenshots and safe Markdown',
    'no chromium binary',
    'apt-get install chromium, or set CHROMIUM_PATH',
  );
} else {
  describe('WebChat shows browser screenshots and safe Markdown', () => {
    let site: FixtureSite;
    let model: FakeOpenAi;
    let app: TestApp;
    let browser: Browser;
    let page: Page;
    let operator: WsTestClient;
    const shots = artifactsDir('webchat');
    const dialogs: string[] = [];
    const framesFromGateway: string[] = [];

    beforeAll(async () => {
      buildControlUi();
      site = await FixtureSite.start({ '/': FIXTURE });
      model = await FakeOpenAi.start();
      app = await createTestApp({
        config: {
          gateway: { auth: { token: TOKEN } },
          agent: { provider: 'openai', model: 'fake-model', baseUrl: model.baseUrl, apiKey: 'sk-test', timeoutMs: 60_000 },
          tools: { browser: { enabled: true, executablePath: CHROMIUM, allowUrls: [`${site.origin}/*`] } },
        },
      });
      operator = await WsTestClient.connected(app.url, { auth: { token: TOKEN } });
      browser = await launchChromium(CHROMIUM);
      const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
      page = await context.newPage();
      page.on('dialog', (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });
      page.on('websocket', (ws) => ws.on('framereceived', (frame) => framesFromGateway.push(String(frame.payload))));
      await page.goto(`${app.httpUrl}/#token=${TOKEN}`);
      await page.click('#login-submit');
      await page.waitForSelector('#conn-state[data-state="connected"]');
      await page.click('[data-tab="chat"]');
      await page.waitForSelector('[data-view="chat"]');
    }, STEP_MS);

    afterAll(async () => {
      await operator?.close();
      await browser?.close();
      await app?.close();
      await model?.close();
      await site?.close();
      shots.remove();
    });

    async function ask(message: string): Promise<void> {
      await page.click('#chat-new');
      await page.fill('#chat-input', message);
      await page.click('#chat-send');
    }

    it(
      "shows the screenshot the agent's browser tool took, fetched over the page's own socket and decoded",
      async () => {
        const toolResults = (request: ChatRequest) => request.body.messages.filter((m) => m.role === 'tool');
        model.respondWith((request) => {
          const results = toolResults(request);
          if (results.length === 0)
            return reply.tools({ id: 'call-0', name: 'browser', arguments: { action: 'navigate', url: `${site.origin}/` } });
          if (results.length === 1) return reply.tools({ id: 'call-1', name: 'browser', arguments: { action: 'screenshot' } });
          return reply.text('Here is **the page** you asked for.');
        });
        await ask('Show me the fixture page');

        const final = page.locator('.msg.assistant[data-state="final"]').last();
        await final.locator('figure.shot[data-state="loaded"]').waitFor({ timeout: 60_000 });
        expect(await final.locator('.text strong').textContent()).toBe('the page');
        const image = await final.locator('img.shot').evaluate((element) => {
          const img = element as unknown as PageImage;
          return {
            complete: img.complete,
            naturalWidth: img.naturalWidth,
            naturalHeight: img.naturalHeight,
            scheme: img.src.slice(0, img.src.indexOf(',') + 1),
          };
        });
        expect(image).toEqual({
          complete: true,
          naturalWidth: GATEWAY_VIEWPORT_WIDTH,
          naturalHeight: expect.any(Number),
          scheme: 'data:image/png;base64,',
        });
        expect(image.naturalHeight).toBeGreaterThan(0);
        await page.screenshot({ path: shots.path('webchat-screenshot.png'), fullPage: true });

        // The chat event named the picture; its bytes came only as chat.media answers to this page.
        const frames = framesFromGateway.map((f) => JSON.parse(f) as Record<string, any>);
        const finalEvent = frames.find(
          (f) => f.event === 'chat' && f.payload.state === 'final' && f.payload.message.content.length > 1,
        );
        const imagePart = finalEvent!.payload.message.content[1];
        expect(imagePart).toEqual({
          type: 'image',
          mediaId: expect.stringMatching(/^screenshot-\d+-[0-9a-f]{12}\.png$/),
          mimeType: 'image/png',
        });
        expect(JSON.stringify(finalEvent).length).toBeLessThan(2_000);
        const pieces = frames.filter((f) => f.type === 'res' && f.payload?.mediaId === imagePart.mediaId);
        expect(pieces.length).toBeGreaterThan(0);
        expect(pieces.at(-1)!.payload.done).toBe(true);
      },
      STEP_MS,
    );

    it(
      'renders the Markdown subset and nothing executable: no raw HTML, no javascript: or data: links',
      async () => {
        model.script(reply.text(HOSTILE_MARKDOWN));
        await ask('Repeat the page text');
        const final = page.locator('.msg.assistant[data-state="final"]').last();
        await final.waitFor({ timeout: 60_000 });

        const rendered = await final.evaluate((element, pwnedFlag) => {
          const bubble = element as unknown as PageElement;
          const all = (selector: string) => Array.from(bubble.querySelectorAll(selector));
          return {
            strong: all('strong').map((e) => e.textContent),
            em: all('em').map((e) => e.textContent),
            code: all(':not(pre) > code').map((e) => e.textContent),
            pre: all('pre code').map((e) => e.textContent),
            links: all('a').map((a) => ({ href: a.getAttribute('href'), text: a.textContent, rel: a.rel })),
            tags: [...new Set(all('*').map((e) => e.tagName.toLowerCase()))].sort(),
            attributes: all('*').flatMap((e) => Array.from(e.attributes).map((a) => a.name)),
            text: bubble.querySelector('.text')!.textContent,
            pwned: (globalThis as Record<string, unknown>)[pwnedFlag],
          };
        }, '__pwned');
        expect(rendered.strong).toEqual(['Bold words']);
        expect(rendered.em).toEqual(['italic words']);
        expect(rendered.code).toEqual(['inline <code>']);
        expect(rendered.pre).toEqual(['<b onmouseover="window.__pwned = 4">inside a block</b>']);
        expect(rendered.links).toEqual([
          { href: 'https://example.com/docs', text: 'safe link', rel: 'noopener noreferrer nofollow' },
        ]);
        // Only the elements the renderer makes; the raw HTML is shown as text.
        expect(rendered.tags).toEqual(['a', 'code', 'em', 'pre', 'span', 'strong']);
        expect(rendered.attributes.filter((name) => name.startsWith('on'))).toEqual([]);
        expect(rendered.text).toContain('<img src=x onerror="window.__pwned = 1">');
        expect(rendered.text).toContain('[evil link](javascript:window.__pwned=3)');
        await final.locator('pre').hover();
        expect(await page.evaluate(pwned)).toBeUndefined();
        expect(rendered.pwned).toBeUndefined();
        expect(dialogs).toEqual([]);
        await page.screenshot({ path: shots.path('webchat-markdown.png'), fullPage: true });
      },
      STEP_MS,
    );

    it("chat.media names only the gateway's own pictures", async () => {
      for (const mediaId of ['../../nestclaw.json', '/etc/passwd', 'screenshot-1-0123456789ab.png/../../x']) {
        const res = await operator.request('chat.media', { mediaId });
        expect(res).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
        expect(res.error?.message).toContain('mediaId: must be a mediaId from a chat event');
      }
      const unknown = await operator.request('chat.media', { mediaId: 'screenshot-1-0123456789ab.png' });
      expect(unknown).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
      expect(unknown.error?.message).toContain('take a new one');
      expect(unknown.error?.message).not.toContain(app.stateDir);

      const reader = await WsTestClient.connected(app.url, { auth: { token: TOKEN }, scopes: ['operator.pairing'] });
      const refused = await reader.request('chat.media', { mediaId: 'screenshot-1-0123456789ab.png' });
      await reader.close();
      expect(refused).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
      expect(refused.error?.message).toContain('operator.read');
    });
  });
}
