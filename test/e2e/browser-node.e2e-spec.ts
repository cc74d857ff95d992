import * as fs from 'node:fs';
import * as path from 'node:path';
import { findChromium } from '../support/browser';
import { CliRun, runCli } from '../support/cli-process';
import { FixtureSite } from '../support/fixture-site';
import { skippedSuite } from '../support/skip-notice';
import { createTestApp, makeStateDir, TestApp } from '../support/test-app';
import { WsTestClient } from '../support/ws-test-client';

const CHROMIUM = findChromium();

if (!CHROMIUM) {
  skippedSuite(
    'browser routes served by a node (node run --browser)',
    'no chromium binary',
    'apt-get install chromium, or set CHROMIUM_PATH',
  );
} else {
  describe('browser routes served by a node (node run --browser)', () => {
    let site: FixtureSite;
    let app: TestApp;
    let node: CliRun;
    let nodeDir: string;
    let operator: WsTestClient;

    beforeAll(async () => {
      site = await FixtureSite.start({ '/': '<!doctype html><title>On the node</title><p>Served through browser.proxy</p>' });
      app = await createTestApp({
        config: {
          gateway: { nodes: { allowCommands: ['browser.proxy'] } },
          tools: { browser: { enabled: true, node: 'desktop' } },
        },
      });
      nodeDir = makeStateDir();
      node = runCli(
        [
          'node',
          'run',
          '--url',
          app.url,
          '--token',
          app.token,
          '--display-name',
          'desktop',
          '--browser',
          '--browser-allow-url',
          `${site.origin}/*`,
          // The node reaches its gateway on this machine's loopback, as through an SSH tunnel: allowed or not, never opened.
          '--browser-allow-url',
          `http://127.0.0.1:${app.port}/*`,
          '--json',
        ],
        { NESTCLAW_STATE_DIR: nodeDir, PATH: `${path.dirname(CHROMIUM)}:${process.env.PATH ?? ''}` },
      );
      await node.waitFor('"event":"connected"', 20_000);
      operator = await WsTestClient.connected(app.url, { auth: { token: app.token } });
    }, 60_000);

    afterAll(async () => {
      await operator?.close();
      node?.child.kill('SIGTERM');
      await node?.exited;
      await app?.close();
      await site?.close();
      fs.rmSync(nodeDir, { recursive: true, force: true });
    });

    it('routes browser.request to the node, whose own URL policy applies', async () => {
      const opened = await operator.request(
        'browser.request',
        { method: 'POST', path: '/navigate', body: { url: `${site.origin}/` } },
        60_000,
      );
      expect(opened).toMatchObject({ ok: true, payload: { ok: true, title: 'On the node' } });
      const snapshot = await operator.request('browser.request', { method: 'GET', path: '/snapshot' }, 60_000);
      expect((snapshot.payload as { snapshot: string }).snapshot).toContain('Served through browser.proxy');

      const refused = await operator.request(
        'browser.request',
        { method: 'POST', path: '/navigate', body: { url: 'http://10.0.0.1/' } },
        60_000,
      );
      expect(refused.ok).toBe(false);
      expect(JSON.stringify(refused.error)).toContain('a private address');

      const gatewayPort = await operator.request(
        'browser.request',
        { method: 'POST', path: '/navigate', body: { url: `http://127.0.0.1:${app.port}/` } },
        60_000,
      );
      expect(gatewayPort.ok).toBe(false);
      expect(JSON.stringify(gatewayPort.error)).toContain("this gateway's own port");
    }, 90_000);
  });
}
