import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { buildControlUi, findChromium, launchChromium } from '../support/browser';
import { CliRun, runCli } from '../support/cli-process';
import { createTestApp, makeStateDir, TestApp } from '../support/test-app';
import { WsTestClient } from '../support/ws-test-client';

const CHROMIUM = findChromium();

if (!CHROMIUM) {
  describe('Control UI exec allowlist editor', () => {
    it.skip('skipped: no chromium binary found (apt-get install chromium, or set CHROMIUM_PATH)', () => undefined);
  });
} else {
  /** The per-node allowlist editor in a real browser, against a real node host that enforces the result. */
  describe('Control UI exec allowlist editor', () => {
    let app: TestApp;
    let browser: Browser;
    let page: Page;
    let operator: WsTestClient;
    let node: CliRun;
    let nodeDir: string;

    beforeAll(async () => {
      buildControlUi();
      app = await createTestApp();
      nodeDir = makeStateDir();
      node = runCli(
        ['node', 'run', '--url', app.url, '--token', app.token, '--exec', 'allowlist', '--display-name', 'garage', '--json'],
        {
          NESTCLAW_STATE_DIR: nodeDir,
        },
      );
      await node.waitFor('"event":"connected"', 20_000);
      operator = await WsTestClient.connected(app.url, { auth: { token: app.token }, scopes: ['operator.write'] });
      browser = await launchChromium(CHROMIUM);
      page = await (await browser.newContext()).newPage();
    }, 120_000);

    afterAll(async () => {
      await operator?.close();
      await browser?.close();
      if (node?.child.exitCode === null) node.child.kill('SIGKILL');
      await app?.close();
      fs.rmSync(nodeDir, { recursive: true, force: true });
    });

    const runEcho = (key: string) =>
      operator.request('node.invoke', {
        nodeId: 'garage',
        command: 'system.run',
        params: { command: ['echo', 'from the page'] },
        idempotencyKey: key,
      });

    it('adds an entry to a node allowlist, after which system.run passes, and removes it again', async () => {
      expect((await runEcho('before')).ok).toBe(false);

      await page.goto(`${app.httpUrl}/#token=${app.token}`);
      await page.click('#login-submit');
      await page.waitForSelector('#conn-state[data-state="connected"]');
      await page.click('[data-tab="nodes"]');
      await page.waitForSelector('#allowlist-target >> option:has-text("node garage")', { state: 'attached' });
      await page.selectOption('#allowlist-target', { label: 'node garage' });
      await page.waitForSelector('#allowlist-entries >> text=the allowlist is empty');

      await page.fill('#allowlist-pattern', 'echo');
      await page.fill('#allowlist-args', '["from the page"]');
      await page.click('#allowlist-add');
      await page.waitForSelector('#allowlist-entries [data-remove="echo"]');

      const after = await runEcho('after');
      expect(after.ok).toBe(true);
      expect(after.payload).toMatchObject({ payload: { stdout: 'from the page\n' } });
      expect(JSON.parse(fs.readFileSync(path.join(nodeDir, 'exec-approvals.json'), 'utf8')).agents['*'].allowlist).toEqual([
        { pattern: 'echo', args: ['from the page'] },
      ]);

      // A bad pattern is refused with the reason, and nothing stored changes.
      await page.fill('#allowlist-pattern', 'bin/echo');
      await page.click('#allowlist-add');
      await page.waitForSelector('#allowlist-error >> text=must be an absolute path');

      await page.click('#allowlist-entries [data-remove="echo"]');
      await page.waitForSelector('#allowlist-entries >> text=the allowlist is empty');
      expect((await runEcho('removed')).ok).toBe(false);
    }, 90_000);
  });
}
