import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { generateDeviceIdentity, signDeviceProof } from '../../src/common/identity';
import { EXEC_POLICIES } from '../../src/node-host/exec-policy';
import { artifactsDir, buildControlUi, findChromium, launchChromium } from '../support/browser';
import { runCli } from '../support/cli-process';
import { noteRuntimeSkip, skippedSuite } from '../support/skip-notice';
import { FakeOpenAi, reply } from '../support/fake-openai';
import { createTestApp, TestApp } from '../support/test-app';
import { WsTestClient } from '../support/ws-test-client';

const TOKEN = 'control-ui-browser-token-0123456789';
const CHROMIUM = findChromium();
const STEP_MS = 60_000;
/** Only this name is mapped, to 127.0.0.1: a plain-http page from a "remote" host for the insecure-context case. */
const REMOTE_NAME = 'gateway.remote.test';

if (!CHROMIUM) {
  skippedSuite('Control UI in headless Chromium', 'no chromium binary', 'apt-get install chromium, or set CHROMIUM_PATH');
} else {
  describe('Control UI in headless Chromium', () => {
    let app: TestApp;
    let fake: FakeOpenAi;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    let operator: WsTestClient;
    let node: WsTestClient | undefined;
    const framesFromGateway: string[] = [];
    const shots = artifactsDir('control-ui');

    beforeAll(async () => {
      buildControlUi();
      fake = await FakeOpenAi.start();
      app = await createTestApp({
        config: {
          gateway: { auth: { token: TOKEN } },
          agent: { provider: 'openai', model: 'fake-model', baseUrl: fake.baseUrl, apiKey: 'sk-test-key', timeoutMs: 10_000 },
        },
      });
      operator = await WsTestClient.connected(app.url, { auth: { token: TOKEN } });
      browser = await launchChromium(CHROMIUM);
      context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
      page = await context.newPage();
      page.on('websocket', (ws) => ws.on('framereceived', (frame) => framesFromGateway.push(String(frame.payload))));
    }, 120_000);

    afterAll(async () => {
      await node?.close();
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

    async function screenshot(name: string, target: Page = page): Promise<void> {
      await target.screenshot({ path: shots.path(`control-ui-${name}.png`), fullPage: true });
    }

    it(
      'takes a one-time #token= fragment, drops it from the address bar, logs in and shows health',
      async () => {
        await page.goto(`${app.httpUrl}/#token=${TOKEN}`);
        expect(await page.inputValue('#login-secret')).toBe(TOKEN);
        expect(page.url()).toBe(`${app.httpUrl}/`);
        await screenshot('login');

        await page.click('#login-submit');
        await page.waitForSelector('#conn-state[data-state="connected"]');
        await page.waitForSelector('#overview-health >> text=ok');
        await page.waitForSelector('#overview-status >> text=loopback');
        expect(await page.textContent('#overview-status')).toContain('token');
        // The page logs in as admin, so it runs the gateway's own audit and lists the findings.
        await page.waitForFunction(() =>
          /severity|no findings/.test((globalThis as any).document.querySelector('#overview-audit')?.textContent ?? ''),
        );
        expect(await page.textContent('#overview-audit')).toContain('nestclaw security audit');
        // Not remembered: the box was not ticked.
        expect(await page.evaluate(() => (globalThis as any).localStorage.getItem('nestclaw.controlUi.credentials'))).toBeNull();

        // The page signed in with its own WebCrypto device identity, auto-approved as a local device.
        const devices = (await operator.request('device.pair.list')).payload as {
          paired: Array<{ clientId?: string; clientMode?: string }>;
        };
        expect(devices.paired).toEqual(
          expect.arrayContaining([expect.objectContaining({ clientId: 'webchat-ui', clientMode: 'ui' })]),
        );
        await screenshot('overview');
      },
      STEP_MS,
    );

    it(
      'shows a node that connects while the page is open, and runs system.run echo on it',
      async () => {
        await openTab('nodes');
        await page.waitForSelector('#nodes-list >> text=no node is connected');
        node = await WsTestClient.connected(app.url, {
          role: 'node',
          client: { id: 'ui-test-node', version: '1.0.0', platform: 'linux', mode: 'node', displayName: 'Test Node' },
          caps: ['system'],
          commands: ['system.run'],
          auth: { token: TOKEN },
        });
        await page.waitForSelector('#nodes-list >> text=ui-test-node');

        // The test node really runs the argv it is given, like a headless node host.
        const answered = node.nextEvent('node.invoke.request', 20_000).then(async (event) => {
          const request = event.payload as { id: string; nodeId: string; command: string; paramsJSON?: string };
          const argv = (JSON.parse(request.paramsJSON ?? '{}') as { command: string[] }).command;
          const stdout = execFileSync(argv[0], argv.slice(1), { encoding: 'utf8' });
          const result = await node!.request('node.invoke.result', {
            id: request.id,
            nodeId: request.nodeId,
            ok: true,
            payload: { exitCode: 0, stdout, stderr: '', timedOut: false },
          });
          expect(result.ok).toBe(true);
          return { command: request.command, argv };
        });
        await page.selectOption('#invoke-node', 'client:ui-test-node');
        await page.fill('#invoke-command', 'system.run');
        await page.fill('#invoke-params', JSON.stringify({ command: ['echo', 'hello-from-the-page'] }));
        await page.click('#invoke-submit');
        expect(await answered).toEqual({ command: 'system.run', argv: ['echo', 'hello-from-the-page'] });
        await page.waitForSelector('#invoke-result >> text=hello-from-the-page');
        expect(await page.textContent('#invoke-result')).toContain('exit code 0');
        await screenshot('nodes');
      },
      STEP_MS,
    );

    it(
      'lists a remote device asking to pair as it asks, and approves it',
      async () => {
        await openTab('devices');
        const phone = generateDeviceIdentity();
        const remote = await WsTestClient.open(app.url, { headers: { host: '192.0.2.10:18789' } });
        const client = { id: 'phone-app', version: '1.0', platform: 'ios', mode: 'node', displayName: 'Browser Test Phone' };
        const res = await remote.connect({
          role: 'operator',
          scopes: [],
          client,
          auth: { token: TOKEN },
          device: signDeviceProof(phone, {
            clientId: client.id,
            clientMode: client.mode,
            role: 'operator',
            scopes: [],
            signedAtMs: Date.now(),
            token: TOKEN,
            nonce: remote.challengeNonce,
          }),
        });
        expect(res.error).toMatchObject({ code: 'NOT_PAIRED' });
        const requestId = (res.error!.details as { requestId: string }).requestId;
        await remote.waitClosed();

        await page.waitForSelector(`#devices-pending >> text=Browser Test Phone`);
        expect(await page.textContent('#badge-devices')).toBe('1');
        await screenshot('devices-pending');
        await page.click(`[data-action="approve"][data-key="${requestId}"]`);
        await page.waitForSelector('#devices-pending >> text=no device is waiting');
        await page.waitForSelector('#devices-paired >> text=Browser Test Phone');
        // The page's own device (approved silently: it connected from loopback) is named by browser and OS.
        await page.waitForSelector('#devices-paired >> text=Control UI (Headless Chrome on Linux)');
        const paired = (await operator.request('device.pair.list')).payload as { paired: Array<{ displayName?: string }> };
        expect(paired.paired.map((d) => d.displayName)).toContain('Control UI (Headless Chrome on Linux)');

        const list = (await operator.request('device.pair.list')).payload as {
          pending: unknown[];
          paired: Array<{ deviceId: string }>;
        };
        expect(list.pending).toEqual([]);
        expect(list.paired.map((d) => d.deviceId)).toContain(phone.deviceId);
        await screenshot('devices');
      },
      STEP_MS,
    );

    it(
      'chats with the fake model over chat.send and shows the reply streamed from chat events',
      async () => {
        fake.script(reply.text('Hello from the fake model, via WebChat.'));
        await openTab('chat');
        const before = await page.getAttribute('[data-view="chat"]', 'data-session-key');
        await page.click('#chat-new');
        const sessionKey = (await page.getAttribute('[data-view="chat"]', 'data-session-key'))!;
        expect(sessionKey).not.toBe(before);
        expect(await page.inputValue('#chat-session')).toBe(sessionKey);
        expect(sessionKey).toMatch(/^main:webchat:[0-9a-f]{16}$/);
        await page.fill('#chat-input', 'hi from the browser');
        await page.click('#chat-send');

        await page.waitForSelector('.msg.assistant[data-state="final"] >> text=Hello from the fake model, via WebChat.');
        expect(fake.requests.at(-1)!.body.messages.at(-1)).toMatchObject({ role: 'user', content: 'hi from the browser' });
        const chatEvents = framesFromGateway.map((f) => JSON.parse(f)).filter((f) => f.type === 'event' && f.event === 'chat');
        expect(chatEvents.map((e) => e.payload.state)).toContain('final');
        expect(chatEvents.every((e) => e.payload.sessionKey === sessionKey)).toBe(true);
        expect(await page.isDisabled('#chat-abort')).toBe(true);

        // History comes back from the gateway after a reload of the transcript.
        await page.click('text=Reload history');
        await page.waitForSelector('#chat-transcript .msg.user >> text=hi from the browser');
        await page.waitForSelector('#chat-transcript .msg.assistant >> text=Hello from the fake model');
        await screenshot('chat');

        await openTab('sessions');
        await page.waitForSelector(`#sessions-list >> text=${sessionKey}`);
        await screenshot('sessions');
        await openTab('channels');
        await page.waitForSelector('#channels-codes >> text=Pending pairing codes');
        await screenshot('channels');
      },
      STEP_MS,
    );

    it(
      'shows an exec approval prompt and resolves it with "allow once" (when the gateway serves exec approvals)',
      async () => {
        await openTab('approvals');
        const probe = await WsTestClient.open(app.url);
        const helloRes = await probe.connect({ auth: { token: TOKEN } });
        await probe.close();
        const methods = (helloRes.payload as { features: { methods: string[] } }).features.methods;
        const askPolicy = (EXEC_POLICIES as readonly string[]).includes('ask');
        if (!methods.includes('exec.approval.list') || !methods.includes('exec.approval.resolve') || !askPolicy) {
          await page.waitForSelector('#approvals-list >> text=does not serve exec approvals');
          await screenshot('approvals');
          noteRuntimeSkip(
            'test/e2e/control-ui-browser.e2e-spec.ts (approvals case)',
            'this gateway has no exec.approval.* methods or the node host has no --exec ask',
            'build a gateway that serves exec approvals',
          );
          return;
        }

        const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nestclaw-test-ui-node-'));
        const host = runCli(['node', 'run', '--url', app.url, '--token', TOKEN, '--exec', 'ask', '--display-name', 'ask-node'], {
          NESTCLAW_STATE_DIR: stateDir,
          HOME: stateDir,
        });
        try {
          let nodeId: string | undefined;
          for (let i = 0; i < 100 && !nodeId; i++) {
            const nodes = (
              (await operator.request('node.list')).payload as { nodes: Array<{ nodeId: string; displayName?: string }> }
            ).nodes;
            nodeId = nodes.find((n) => n.displayName === 'ask-node')?.nodeId;
            if (!nodeId) await new Promise((r) => setTimeout(r, 100));
          }
          expect(nodeId).toBeDefined();
          const invoked = operator.request(
            'node.invoke',
            {
              nodeId,
              command: 'system.run',
              params: { command: ['echo', 'approved-from-the-page'], cwd: stateDir, env: { TERM: 'dumb' } },
              timeoutMs: 30_000,
              idempotencyKey: 'ui-approval-1',
            },
            40_000,
          );
          await page.waitForSelector('[data-approval-id] >> text=approved-from-the-page');
          // The card shows all the decision is about: argv, directory and env.
          await page.waitForSelector('[data-approval-id] [data-field="env"] >> text=TERM=dumb');
          await page.waitForSelector(`[data-approval-id] dd >> text=${JSON.stringify(stateDir)}`);
          // The node by the name it was given, not by its 64-hex id.
          const node = await page.textContent('[data-approval-id] [data-field="node"]');
          expect(node).toContain('node ask-node');
          expect(node).not.toContain(nodeId!);
          await screenshot('approvals');
          await page.click('[data-approval-id] [data-decision="allow-once"]');
          const result = await invoked;
          expect(result.ok).toBe(true);
          expect(JSON.stringify(result.payload)).toContain('approved-from-the-page');
          await page.waitForSelector('#approvals-list >> text=No command is waiting');
        } finally {
          host.child.kill('SIGTERM');
          await host.exited;
          fs.rmSync(stateDir, { recursive: true, force: true });
        }
      },
      STEP_MS,
    );

    it(
      'fits a 390 px phone without horizontal scrolling on every tab; screenshots at 390 px and 1280 px',
      async () => {
        const tabs = await page.$$eval('[data-tab]', (buttons) => buttons.map((b) => (b as any).dataset.tab as string));
        expect(tabs.length).toBeGreaterThan(3);
        const overflowing: string[] = [];
        for (const width of [390, 1280]) {
          await page.setViewportSize({ width, height: width === 390 ? 844 : 860 });
          for (const tab of tabs) {
            await openTab(tab);
            // The widest element that sticks out names the culprit when this fails.
            const overflow = await page.evaluate(() => {
              const doc = (globalThis as any).document;
              const viewport = doc.documentElement.clientWidth as number;
              if (doc.documentElement.scrollWidth <= viewport) return undefined;
              let widest = { right: 0, what: '' };
              for (const el of doc.querySelectorAll('body *')) {
                const right = el.getBoundingClientRect().right as number;
                if (right > widest.right) widest = { right, what: `${el.tagName.toLowerCase()}#${el.id}.${el.className}` };
              }
              return `${doc.documentElement.scrollWidth}px > ${viewport}px, widest ${widest.what} (${Math.round(widest.right)}px)`;
            });
            if (overflow) overflowing.push(`${width}px ${tab}: ${overflow}`);
            await screenshot(`${width}-${tab}`);
          }
        }
        await page.setViewportSize({ width: 1280, height: 860 });
        expect(overflowing).toEqual([]);
      },
      STEP_MS,
    );

    it(
      'keeps a cross-origin page from opening the gateway socket, while the page itself may',
      async () => {
        const other = http.createServer((_req, res) => {
          res.writeHead(200, { 'content-type': 'text/html' });
          res.end('<!doctype html><title>elsewhere</title><p>another site</p>');
        });
        await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
        const evil = await context.newPage();
        try {
          await evil.goto(`http://127.0.0.1:${(other.address() as AddressInfo).port}/`);
          const tryOpen = (url: string) =>
            new Promise<string>((resolve) => {
              const ws = new WebSocket(url);
              ws.onopen = () => (ws.close(), resolve('open'));
              ws.onerror = () => resolve('refused');
              setTimeout(() => resolve('timeout'), 5_000);
            });
          expect(await evil.evaluate(tryOpen, app.url)).toBe('refused');
          expect(await page.evaluate(tryOpen, app.url)).toBe('open');
        } finally {
          await evil.close();
          await new Promise((resolve) => other.close(resolve));
        }
      },
      STEP_MS,
    );

    it(
      'explains why it cannot connect when served over plain http to a non-local address',
      async () => {
        const remoteBrowser = await launchChromiumMapped(CHROMIUM);
        try {
          const remotePage = await remoteBrowser.newPage({ viewport: { width: 1280, height: 700 } });
          let sockets = 0;
          remotePage.on('websocket', () => sockets++);
          await remotePage.goto(`http://${REMOTE_NAME}:${app.port}/`);
          await remotePage.waitForSelector('#notice >> text=cannot connect securely');
          const notice = await remotePage.textContent('#notice');
          expect(notice).toContain('ssh -N -L');
          expect(notice).toContain('Tailscale Serve');
          expect(notice).toContain('gateway.controlUi.allowInsecureAuth');
          expect(await remotePage.isDisabled('#login-submit')).toBe(true);
          expect(sockets).toBe(0);
          await screenshot('insecure', remotePage);
        } finally {
          await remoteBrowser.close();
        }
      },
      STEP_MS,
    );

    it(
      'shows a clear message for a wrong token and does not retry it',
      async () => {
        const fresh = await browser.newContext({ viewport: { width: 1280, height: 700 } });
        try {
          const wrong = await fresh.newPage();
          const opened: string[] = [];
          const connects: string[] = [];
          wrong.on('websocket', (ws) => {
            opened.push(ws.url());
            ws.on('framesent', (frame) => {
              if (String(frame.payload).includes('"method":"connect"')) connects.push(String(frame.payload));
            });
          });
          await wrong.goto(`${app.httpUrl}/`);
          await wrong.fill('#login-secret', 'not-the-right-token');
          await wrong.check('#login-remember');
          await wrong.click('#login-submit');
          await wrong.waitForSelector('#login-error >> text=gateway token mismatch');
          expect(await wrong.textContent('#login-error')).toContain('Check the token');
          expect(await wrong.getAttribute('#conn-state', 'data-state')).toBe('auth-failed');
          // Long enough for several rounds of any backoff: still exactly one attempt.
          await wrong.waitForTimeout(4_000);
          expect(opened).toHaveLength(1);
          expect(connects).toHaveLength(1);
          expect(connects[0]).not.toContain(TOKEN);
          // A refused secret is not kept, even with "remember" ticked.
          expect(
            await wrong.evaluate(() => (globalThis as any).localStorage.getItem('nestclaw.controlUi.credentials')),
          ).toBeNull();
          await screenshot('wrong-token', wrong);

          // Submitting again is the person's call, and a right token then works.
          await wrong.fill('#login-secret', TOKEN);
          await wrong.click('#login-submit');
          await wrong.waitForSelector('#conn-state[data-state="connected"]');
          expect(opened).toHaveLength(2);
          expect(
            await wrong.evaluate(() => (globalThis as any).localStorage.getItem('nestclaw.controlUi.credentials')),
          ).toContain(TOKEN);
        } finally {
          await fresh.close();
        }
      },
      STEP_MS,
    );
  });
}

/** A second browser in which REMOTE_NAME resolves to 127.0.0.1, so a page can come from a non-local http origin. */
async function launchChromiumMapped(executablePath: string): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-dev-shm-usage',
      `--host-resolver-rules=MAP ${REMOTE_NAME} 127.0.0.1`,
    ],
  });
}
