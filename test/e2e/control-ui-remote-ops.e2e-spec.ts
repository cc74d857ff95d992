import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { artifactsDir, buildControlUi, findChromium, launchChromium } from '../support/browser';
import { FakeOpenAi, reply } from '../support/fake-openai';
import { createTestApp, TestApp } from '../support/test-app';
import { WsTestClient } from '../support/ws-test-client';

const TOKEN = 'control-ui-remote-ops-token-0123456789';
const API_KEY = 'control-ui-remote-ops-api-key';
const CHROMIUM = findChromium();
const STEP_MS = 60_000;

if (!CHROMIUM) {
  describe('Control UI: Logs and Sessions views', () => {
    it.skip('skipped: no chromium binary found (apt-get install chromium, or set CHROMIUM_PATH)', () => undefined);
  });
  console.warn('control-ui remote-ops e2e skipped: no chromium binary found (apt-get install chromium, or set CHROMIUM_PATH)');
} else {
  describe('Control UI: Logs and Sessions views', () => {
    const key = 'main:webchat:ui-managed';
    let app: TestApp;
    let fake: FakeOpenAi;
    let browser: Browser;
    let page: Page;
    let operator: WsTestClient;
    const shots = artifactsDir('control-ui-remote-ops');

    const call = async <T>(method: string, params: object = {}): Promise<T> => {
      const res = await operator.request(method, params);
      if (!res.ok) throw new Error(`${method} failed: ${JSON.stringify(res.error)}`);
      return res.payload as T;
    };
    const sessionRow = async () =>
      (await call<{ sessions: Array<{ sessionKey: string; label?: string; model?: string }> }>('sessions.list')).sessions.find(
        (s) => s.sessionKey === key,
      );

    beforeAll(async () => {
      buildControlUi();
      fake = await FakeOpenAi.start();
      fake.respondWith(() => reply.text('the fake answers'));
      app = await createTestApp({
        config: {
          gateway: { auth: { token: TOKEN } },
          agent: { provider: 'openai', model: 'fake-small', baseUrl: fake.baseUrl, apiKey: API_KEY },
        },
      });
      operator = await WsTestClient.connected(app.url, { auth: { token: TOKEN } });
      const started = await call<{ runId: string }>('chat.send', {
        sessionKey: key,
        message: 'hello from the test',
        idempotencyKey: randomUUID(),
      });
      for (;;) {
        const payload = (await operator.nextEvent('chat', 10_000)).payload as { runId: string; state: string };
        if (payload.runId === started.runId && payload.state !== 'delta') break;
      }
      browser = await launchChromium(CHROMIUM);
      page = await (await browser.newContext({ viewport: { width: 1280, height: 860 } })).newPage();
      await page.goto(`${app.httpUrl}/#token=${TOKEN}`);
      await page.click('#login-submit');
      await page.waitForSelector('#conn-state[data-state="connected"]');
    }, 120_000);

    afterAll(async () => {
      await operator?.close();
      await browser?.close();
      await app?.close();
      await fake?.close();
      shots.remove();
    });

    async function openTab(id: string): Promise<void> {
      await page.click(`[data-tab="${id}"]`);
      await page.waitForSelector(`[data-view="${id}"]`);
    }

    it(
      'follows the log as it grows, with no secret on the page',
      async () => {
        await openTab('logs');
        await page.waitForSelector('#logs-status >> text=following gateway.log');
        await page.waitForSelector('#logs-lines .log-line');

        // A peer gets the secrets into a log line; the page must show the line, redacted.
        const node = await WsTestClient.connected(app.url, {
          role: 'node',
          client: { id: 'node-host', version: '1.0.0', platform: 'linux', mode: 'node' },
          auth: { token: TOKEN },
        });
        try {
          await node.request('exec.approval.request', { argv: [`/bin/ui-marker/${TOKEN}/${API_KEY}`], timeoutMs: 1_000 });
        } finally {
          await node.close();
        }
        await page.waitForSelector('#logs-lines >> text=ui-marker', { timeout: 15_000 });
        const shown = (await page.textContent('#logs-lines')) ?? '';
        expect(shown).toContain('/bin/ui-marker/[redacted]/[redacted]');
        expect(shown).not.toContain(TOKEN);
        expect(shown).not.toContain(API_KEY);

        await page.fill('#logs-filter', 'ui-marker');
        expect(await page.locator('#logs-lines .log-line:visible').count()).toBe(1);
        await page.screenshot({ path: shots.path('control-ui-logs.png'), fullPage: true });
      },
      STEP_MS,
    );

    it(
      'previews a session, sets its label and model, resets it and deletes it',
      async () => {
        await openTab('sessions');
        await page.click(`[data-action="edit"][data-key="${key}"]`);
        await page.waitForSelector('#session-preview >> text=hello from the test');
        await page.waitForSelector('#session-model option[value="fake-large"]', { state: 'attached' });

        await page.fill('#session-label', 'Front desk');
        await page.selectOption('#session-model', 'fake-large');
        await page.click('#session-save');
        await page.waitForSelector('#session-result >> text=saved');
        expect(await sessionRow()).toMatchObject({ label: 'Front desk', model: 'fake-large' });
        await page.waitForSelector('#sessions-list >> text=Front desk');
        await page.screenshot({ path: shots.path('control-ui-sessions.png'), fullPage: true });

        page.once('dialog', (dialog) => void dialog.accept());
        await page.click('#session-reset');
        await page.waitForSelector('#session-result >> text=reset');
        const preview = await call<{ previews: Array<{ status: string }> }>('sessions.preview', { keys: [key] });
        expect(preview.previews[0].status).toBe('empty');

        page.once('dialog', (dialog) => void dialog.accept());
        await page.click('#session-delete');
        await page.waitForSelector('#session-editor', { state: 'hidden' });
        expect(await sessionRow()).toBeUndefined();
      },
      STEP_MS,
    );

    it(
      'shows the gateway refusal when the page offers a model the endpoint no longer lists',
      async () => {
        await call('chat.send', { sessionKey: key, message: 'again', idempotencyKey: randomUUID() });
        await page.click('[data-view="sessions"] .toolbar button');
        await page.waitForSelector(`[data-action="edit"][data-key="${key}"]`);
        await page.click(`[data-action="edit"][data-key="${key}"]`);
        fake.models = ['fake-small'];
        await call('models.list', { refresh: true });
        // The page's list is older than the gateway's: it still offers the model.
        await page.evaluate(() => {
          const select = (globalThis as any).document.querySelector('#session-model');
          const option = (globalThis as any).document.createElement('option');
          option.value = 'fake-large';
          option.textContent = 'fake-large';
          select.appendChild(option);
        });
        await page.selectOption('#session-model', 'fake-large');
        await page.click('#session-save');
        await page.waitForSelector('#session-result.error >> text=unknown model');
      },
      STEP_MS,
    );
  });
}
