import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildControlUi } from '../support/browser';
import { cleanEnv } from '../support/cli-process';
import { freePort } from '../support/free-port';
import { itWhen } from '../support/skip-notice';
import { createTestApp, TestApp } from '../support/test-app';
import { withTimeout, WsTestClient } from '../support/ws-test-client';

const ROOT = path.resolve(__dirname, '..', '..');
const TOKEN = 'install-package-e2e-token-0123456789';
/** npm resolves the packages' dependencies from its cache first; the registry only for what is missing. */
const NPM_INSTALL = ['install', '--global', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'];
const NATIVE_INSTALL = process.env.NESTCLAW_TEST_NATIVE_INSTALL === '1';
const INSTALL_MS = 240_000;

function npm(args: string[], cwd: string): string {
  return execFileSync('npm', args, { cwd, encoding: 'utf8', env: cleanEnv({ npm_config_update_notifier: 'false' }) });
}

/** Every file under dir, relative, for "what did the install put there" checks. */
function listFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .flatMap((entry) => (entry.isFile() ? [path.relative(dir, path.join(entry.parentPath ?? entry.path, entry.name))] : []));
}

describe('install from a packed tarball, as a user would (npm pack → npm i -g --prefix)', () => {
  let work: string;
  let app: TestApp;
  let operator: WsTestClient;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'nestclaw-test-install-'));
    // dist/ (server, CLI) is compiled by the e2e global setup; the page too, so the tarball is what `npm pack` ships.
    buildControlUi();
    app = await createTestApp({ config: { gateway: { auth: { token: TOKEN } } } });
    operator = await WsTestClient.connected(app.url, { auth: { token: TOKEN } });
  }, 120_000);

  afterAll(async () => {
    for (const child of children) child.kill('SIGTERM');
    await operator?.close();
    await app?.close();
    fs.rmSync(work, { recursive: true, force: true });
  });

  /** Runs an installed `nestclaw` (the bin link npm made), never the repository's copy. */
  function runInstalled(bin: string, args: string[], stateDir: string) {
    const child = spawn(bin, args, {
      env: cleanEnv({ NESTCLAW_STATE_DIR: stateDir, HOME: stateDir }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    return { child, output: () => output, exited };
  }

  /** The installed node host connects, shows up by its display name, and really runs a command. */
  async function expectWorkingNodeHost(bin: string, displayName: string): Promise<void> {
    const stateDir = fs.mkdtempSync(path.join(work, 'node-state-'));
    // With a config file the CLI loads its schema validation (class-validator, reflect-metadata): installed too?
    fs.writeFileSync(path.join(stateDir, 'nestclaw.json'), '{ gateway: { mode: "local" } }\n', { mode: 0o600 });
    const host = runInstalled(
      bin,
      ['node', 'run', '--url', app.url, '--token', TOKEN, '--exec', 'full', '--display-name', displayName],
      stateDir,
    );
    const nodeId = await withTimeout(
      (async () => {
        for (;;) {
          const list = (await operator.request('node.list')).payload as {
            nodes: Array<{ nodeId: string; displayName?: string }>;
          };
          const found = list.nodes.find((node) => node.displayName === displayName);
          if (found) return found.nodeId;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      })(),
      20_000,
      `node ${displayName} in node.list; host output:\n${host.output()}`,
    );
    const result = await operator.request('node.invoke', {
      nodeId,
      command: 'system.run',
      params: { command: ['echo', `hello from ${displayName}`] },
      idempotencyKey: `install-${displayName}`,
    });
    expect(result.ok).toBe(true);
    expect(JSON.stringify(result.payload)).toContain(`hello from ${displayName}`);
    host.child.kill('SIGTERM');
    await host.exited;
  }

  describe('nestclaw-node: the node-host package', () => {
    let prefix: string;
    let bin: string;

    beforeAll(() => {
      const tarball = execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'pack-node-host.mjs'), '--out', work], {
        encoding: 'utf8',
      })
        .trim()
        .split('\n')
        .pop()!;
      expect(path.basename(tarball)).toMatch(/^nestclaw-node-\d+\.\d+\.\d+\.tgz$/);
      prefix = path.join(work, 'node-prefix');
      // Scripts stay on: the point is that this package has none to run and nothing native to build.
      npm([...NPM_INSTALL, '--prefix', prefix, tarball], work);
      bin = path.join(prefix, 'bin', 'nestclaw');
    }, INSTALL_MS);

    it('puts nestclaw on the prefix PATH and --help works', () => {
      const help = execFileSync(bin, ['--help'], { encoding: 'utf8', env: cleanEnv({}) });
      expect(help).toContain('Usage: nestclaw');
      expect(help).toMatch(/^\s+node\b/m);
    });

    it('ships no server code and installs nothing native', () => {
      const packageDir = path.join(prefix, 'lib', 'node_modules', 'nestclaw-node');
      const files = listFiles(packageDir);
      expect(files).toContain(path.join('dist', 'node-host', 'node-host.js'));
      expect(
        files.filter((file) => file.startsWith(path.join('dist', 'modules')) || file === path.join('dist', 'main.js')),
      ).toEqual([]);
      const installed = listFiles(path.join(prefix, 'lib', 'node_modules'));
      expect(installed.filter((file) => /(^|\/)(@nestjs|better-sqlite3|grammy|openai)\//.test(file))).toEqual([]);
      expect(installed.filter((file) => file.endsWith('.node') || file.endsWith('binding.gyp'))).toEqual([]);
    });

    it('runs a node host that the gateway can invoke', async () => {
      await expectWorkingNodeHost(bin, 'packaged-node');
    }, 60_000);

    it('`gateway run` says this install has no server and which package has it (exit 3)', async () => {
      const run = runInstalled(
        bin,
        ['gateway', 'run', '--port', String(await freePort())],
        fs.mkdtempSync(path.join(work, 'gw-state-')),
      );
      expect(await run.exited).toBe(3);
      expect(run.output()).toContain('this nestclaw install has no gateway server');
      expect(run.output()).not.toMatch(/\n\s+at /);
    });
  });

  describe('nestclaw: the full package', () => {
    let tarball: string;

    beforeAll(() => {
      // prepack would compile dist/ again; the global setup just did, so pack what is there.
      tarball = path.join(
        work,
        npm(['pack', '--ignore-scripts', '--silent', '--pack-destination', work], ROOT).trim().split('\n').pop()!,
      );
      expect(path.basename(tarball)).toMatch(/^nestclaw-\d+\.\d+\.\d+\.tgz$/);
    }, INSTALL_MS);

    it('packs the compiled code, the Control UI, docs and examples, and no sources or tests', () => {
      const listing = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n');
      expect(listing).toEqual(
        expect.arrayContaining([
          'package/bin/nestclaw',
          'package/dist/main.js',
          'package/dist/control-ui/index.html',
          'package/README.md',
          'package/config/nestclaw.example.json5',
        ]),
      );
      expect(listing.filter((file) => /^package\/(src|test|bench)\//.test(file) || file.endsWith('.spec.js'))).toEqual([]);
    });

    // Without install scripts better-sqlite3 is not compiled: what a failed native build leaves behind.
    it(
      'installed without its native build: --help and the node host work, `gateway run` names the rebuild',
      async () => {
        const prefix = path.join(work, 'full-prefix-no-scripts');
        npm([...NPM_INSTALL, '--ignore-scripts', '--prefix', prefix, tarball], work);
        const bin = path.join(prefix, 'bin', 'nestclaw');
        expect(execFileSync(bin, ['--help'], { encoding: 'utf8', env: cleanEnv({}) })).toContain('Usage: nestclaw');
        await expectWorkingNodeHost(bin, 'full-package-node');

        const run = runInstalled(
          bin,
          ['gateway', 'run', '--port', String(await freePort())],
          fs.mkdtempSync(path.join(work, 'gw-state-')),
        );
        expect(await run.exited).toBe(3);
        expect(run.output()).toContain('npm rebuild better-sqlite3');
      },
      INSTALL_MS,
    );

    itWhen(
      NATIVE_INSTALL,
      'the full install compiles better-sqlite3 (minutes on a busy machine)',
      'NESTCLAW_TEST_NATIVE_INSTALL=1',
    )(
      'installed as a user would (native build included): the gateway starts and answers /healthz',
      async () => {
        const prefix = path.join(work, 'full-prefix');
        npm([...NPM_INSTALL, '--prefix', prefix, tarball], work);
        const stateDir = fs.mkdtempSync(path.join(work, 'gw-state-'));
        const gateway = runInstalled(
          path.join(prefix, 'bin', 'nestclaw'),
          ['gateway', 'run', '--port', String(await freePort()), '--token', TOKEN],
          stateDir,
        );
        const port = await withTimeout(
          new Promise<number>((resolve) => {
            const check = () => {
              const match = /listening on ws:\/\/127\.0\.0\.1:(\d+)/.exec(gateway.output());
              if (match) resolve(Number(match[1]));
              else setTimeout(check, 100);
            };
            check();
          }),
          30_000,
          `the installed gateway to listen; output:\n${gateway.output()}`,
        );
        expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
        gateway.child.kill('SIGTERM');
        expect(await gateway.exited).toBe(0);
      },
      600_000,
    );
  });
});
