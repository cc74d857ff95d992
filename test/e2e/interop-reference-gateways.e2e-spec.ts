import { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CliRun, runCli } from '../support/cli-process';
import { freePort } from '../support/free-port';
import {
  collectOutput,
  describeWithReferences,
  ReferenceRelease,
  ReferenceSandbox,
  stopProcess,
  waitForGateway,
} from '../support/reference-install';

/**
 * nestclaw's CLI and node host against the real reference gateways: one
 * gateway per release for the whole suite, CLI commands one after another.
 */
const describeInterop = describeWithReferences();

const SLOW = 120_000;
const TOKEN = 'interop-reference-token-0123456789';

describe.each<[ReferenceRelease]>([['january'], ['current']])('nestclaw against the %s reference gateway', (release) => {
  describeInterop('', () => {
    let sandbox: ReferenceSandbox;
    let gateway: ChildProcess;
    let url: string;
    let stateDir: string;
    let node: CliRun | undefined;

    beforeAll(async () => {
      const port = await freePort();
      url = `ws://127.0.0.1:${port}`;
      stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nestclaw-interop-cli-'));
      sandbox = new ReferenceSandbox(release);
      sandbox.writeConfig({
        gateway: { mode: 'local', port, bind: 'loopback', auth: { mode: 'token', token: TOKEN } },
      });
      gateway = sandbox.spawn(['gateway', 'run', '--port', String(port), '--bind', 'loopback', '--token', TOKEN], {
        [`${sandbox.install.envPrefix}_GATEWAY_PORT`]: String(port),
      });
      await waitForGateway(port, gateway, collectOutput(gateway));
    }, 240_000);

    afterAll(async () => {
      node?.child.kill('SIGTERM');
      await node?.exited;
      await stopProcess(gateway);
      sandbox?.remove();
      if (stateDir) fs.rmSync(stateDir, { recursive: true, force: true });
    }, 60_000);

    // A reference gateway on a loaded machine can take longer than the CLI's default 10 s to answer its first clients.
    const nestclaw = async (args: string[], extra: string[] = ['--url', url, '--token', TOKEN, '--timeout', '60000']) => {
      const run = runCli([...args, ...extra], { NESTCLAW_STATE_DIR: stateDir, HOME: stateDir });
      const { code } = await run.exited;
      if (code !== 0) throw new Error(`nestclaw ${args.join(' ')} exited ${code}:\n${run.output()}`);
      return run.output();
    };

    it(
      'health',
      async () => {
        expect(await nestclaw(['health'])).toMatch(/gateway healthy/);
      },
      SLOW,
    );

    it(
      'status --deep',
      async () => {
        expect(await nestclaw(['status', '--deep'])).toMatch(/not a nestclaw gateway/);
      },
      SLOW,
    );

    it(
      'gateway call status',
      async () => {
        expect(await nestclaw(['gateway', 'call', 'status'])).toMatch(/"heartbeat"/);
      },
      SLOW,
    );

    it(
      'node run connects, and nodes list shows it connected',
      async () => {
        const displayName = `nestclaw-on-${release}`;
        node = runCli(['node', 'run', '--url', url, '--token', TOKEN, '--display-name', displayName, '--json'], {
          NESTCLAW_STATE_DIR: path.join(stateDir, 'node'),
          HOME: stateDir,
        });
        await node.waitFor(/"event":"connected"/, 90_000);
        const listed = JSON.parse(await nestclaw(['nodes', 'list', '--json'])) as {
          nodes: Array<{ displayName?: string; connected?: boolean }>;
        };
        expect(listed.nodes).toEqual(expect.arrayContaining([expect.objectContaining({ displayName, connected: true })]));
      },
      SLOW + 90_000,
    );
  });
});
