import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { detectEngine, EngineName, mustRunEngine, NODE_BASE_IMAGE, runEngine, waitUntil } from '../support/container-engine';
import { freePort } from '../support/free-port';
import { itWhen, skippedSuite } from '../support/skip-notice';
import { WsTestClient } from '../support/ws-test-client';

// Builds the real image with podman or docker and runs it as a VPS user would (README, docs/operations.md).
// Slow: the image is built once (a cold build takes minutes), every case reuses it.
const ROOT = path.resolve(__dirname, '..', '..');
const BUILD_TIMEOUT_MS = 20 * 60_000;
const CASE_TIMEOUT_MS = 3 * 60_000;
const START_TIMEOUT_MS = 90_000;
const RUN_ID = `${process.pid}-${randomBytes(3).toString('hex')}`;
const IMAGE = `localhost/nestclaw-e2e:${RUN_ID}`;
// A fixed tag: rebuilt from the layer cache, it keeps its id, so the app layers stay cached between runs too.
const TEST_BASE = 'localhost/nestclaw-e2e-base:no-nodedir';
const TOKEN = randomBytes(24).toString('hex');

const engine = detectEngine();

if (!engine.ready) {
  skippedSuite('container image (podman or docker)', engine.reason, engine.enable);
} else {
  describeContainer(engine.name);
}

function describeContainer(name: EngineName) {
  // Per-suite: starting and stopping containers takes longer than the 20 s e2e default.
  jest.setTimeout(CASE_TIMEOUT_MS);
  const run = (args: string[]) => runEngine(name, args);
  const must = (args: string[]) => mustRunEngine(name, args);
  const containers: string[] = [];
  const volumes: string[] = [];
  const dirs: string[] = [];
  let baseImage = NODE_BASE_IMAGE;

  const newName = (what: string) => {
    const unique = `nestclaw-e2e-${what}-${RUN_ID}`;
    containers.push(unique);
    return unique;
  };

  const startGateway = async (options: { volume: string; port: number; extra?: string[] }) => {
    const container = newName(`gw${containers.length}`);
    // Docker's first health probe waits a full interval (30 s); a short one keeps the image's own command.
    const healthInterval = name === 'docker' ? ['--health-interval', '2s'] : [];
    await must([
      'run',
      '-d',
      '--name',
      container,
      '-v',
      `${options.volume}:/data`,
      '-e',
      `NESTCLAW_GATEWAY_TOKEN=${TOKEN}`,
      '-p',
      `127.0.0.1:${options.port}:18789`,
      ...healthInterval,
      ...(options.extra ?? []),
      IMAGE,
    ]);
    await waitForHealthz(options.port, container);
    return container;
  };

  const waitForHealthz = (port: number, container: string) =>
    waitUntil(
      `/healthz on 127.0.0.1:${port} (container ${container})`,
      async () => {
        const state = await must(['inspect', '--format', '{{.State.Running}}', container]);
        if (state.trim() !== 'true') {
          const logs = await run(['logs', container]);
          throw new Error(`container ${container} stopped:\n${logs.stdout}${logs.stderr}`);
        }
        const res = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
        return res?.status === 200 ? true : undefined;
      },
      START_TIMEOUT_MS,
    );

  const exec = (container: string, args: string[]) => run(['exec', container, ...args]);

  const exitCodeOf = async (container: string) =>
    Number((await must(['inspect', '--format', '{{.State.ExitCode}}', container])).trim());

  beforeAll(async () => {
    // The stand-in base image sets npm_config_nodedir; the real node image does not, so drop it to
    // prove the Dockerfile itself points node-gyp at the image's headers (no nodejs.org download).
    if (name === 'podman') {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nestclaw-e2e-base-'));
      dirs.push(dir);
      // A FROM alone would only re-tag the base; the LABEL makes the build commit, and with it the --unsetenv.
      fs.writeFileSync(path.join(dir, 'Containerfile'), `FROM ${NODE_BASE_IMAGE}\nLABEL org.nestclaw.e2e=no-nodedir\n`);
      await must(['build', '--unsetenv', 'npm_config_nodedir', '-t', TEST_BASE, dir]);
      baseImage = TEST_BASE;
    }
    const started = Date.now();
    const format = name === 'podman' ? ['--format', 'docker'] : [];
    await must(['build', ...format, '--build-arg', `NODE_IMAGE=${baseImage}`, '-t', IMAGE, ROOT]);
    const size = Number((await must(['image', 'inspect', '--format', '{{.Size}}', IMAGE])).trim());
    console.log(
      `container e2e: ${name} built ${IMAGE} in ${Math.round((Date.now() - started) / 1000)} s ` +
        `(layer cache may apply), image size ${(size / 1e6).toFixed(0)} MB`,
    );
  }, BUILD_TIMEOUT_MS);

  afterAll(async () => {
    for (const container of containers) await run(['rm', '-f', '-t', '0', container]);
    for (const volume of volumes) await run(['volume', 'rm', '-f', volume]);
    // Untagged, not removed: its layers are the cache that makes the next run fast.
    await run(name === 'podman' ? ['untag', IMAGE] : ['rmi', IMAGE]);
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  }, CASE_TIMEOUT_MS);

  describe(`container image (${name})`, () => {
    it('was built from a base without npm_config_nodedir, as the real node image is', async () => {
      const env = JSON.parse(await must(['image', 'inspect', '--format', '{{json .Config.Env}}', baseImage])) as string[];
      if (name === 'podman') expect(env.some((e) => e.startsWith('npm_config_nodedir='))).toBe(false);
      const dockerfile = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
      expect(dockerfile).toMatch(/^ENV npm_config_nodedir=\/usr\/local$/m);
    });

    it('keeps its HEALTHCHECK, runs as nestclaw and sets the bind as an environment variable', async () => {
      const [image] = JSON.parse(await must(['image', 'inspect', IMAGE]));
      const config = image.Config;
      // Docker keeps it in Config, Podman beside it; an OCI-format build has none at all.
      const healthcheck = config.Healthcheck ?? image.Healthcheck;
      expect(healthcheck?.Test?.join(' ')).toContain('/healthz');
      expect(config.User).toBe('nestclaw');
      expect(config.Env).toEqual(expect.arrayContaining(['NESTCLAW_GATEWAY_BIND=lan', 'NESTCLAW_STATE_DIR=/data']));
      expect(config.Cmd).toEqual(['gateway', 'run']);
    });

    it('carries only the compiled better-sqlite3 addon, not its objects, test extension or sources', async () => {
      const listing = await must([
        'run',
        '--rm',
        '--entrypoint',
        'sh',
        IMAGE,
        '-c',
        'cd node_modules/better-sqlite3 && ls -A && find build -type f',
      ]);
      const lines = listing.trim().split('\n');
      expect(lines).not.toEqual(expect.arrayContaining(['deps']));
      expect(lines).not.toEqual(expect.arrayContaining(['src']));
      expect(lines.filter((line) => line.startsWith('build/'))).toEqual(['build/Release/better_sqlite3.node']);
    });

    it('refuses to start without a token and says which variable to set', async () => {
      const result = await run(['run', '--rm', '--name', newName('notoken'), IMAGE]);
      expect(result.code).toBe(3);
      const output = result.stdout + result.stderr;
      expect(output).toContain('refusing to listen on 0.0.0.0 (bind "lan") without a configured token');
      expect(output).toContain('NESTCLAW_GATEWAY_TOKEN');
    });

    describe('running with a token on a named volume', () => {
      const volume = `nestclaw-e2e-data-${RUN_ID}`;
      let port: number;
      let container: string;

      beforeAll(async () => {
        await must(['volume', 'create', volume]);
        volumes.push(volume);
        port = await freePort();
        container = await startGateway({ volume, port });
      }, CASE_TIMEOUT_MS);

      it('serves /healthz and the WebSocket on the published loopback port', async () => {
        const health = await fetch(`http://127.0.0.1:${port}/healthz`);
        expect(health.status).toBe(200);
        const client = await WsTestClient.open(`ws://127.0.0.1:${port}`);
        expect(client.challengeNonce).toEqual(expect.any(String));
        await client.close();
      });

      it('passes its HEALTHCHECK', async () => {
        if (name === 'podman') {
          const check = await run(['healthcheck', 'run', container]);
          expect({ code: check.code, output: check.stdout + check.stderr }).toEqual({ code: 0, output: expect.any(String) });
        } else {
          const status = await waitUntil(
            'a healthy HEALTHCHECK',
            async () => {
              const s = (await must(['inspect', '--format', '{{.State.Health.Status}}', container])).trim();
              return s === 'starting' ? undefined : s;
            },
            START_TIMEOUT_MS,
          );
          expect(status).toBe('healthy');
        }
      });

      it('has tini as PID 1, with the gateway as its child (orphans are reaped, SIGTERM is passed on)', async () => {
        const init = await exec(container, ['cat', '/proc/1/cmdline']);
        expect(init.stdout.split('\0')[0]).toBe('/usr/bin/tini');
        const children = await exec(container, ['sh', '-c', 'cat /proc/1/task/1/children']);
        const gatewayPid = children.stdout.trim().split(/\s+/)[0];
        const gateway = await exec(container, ['cat', `/proc/${gatewayPid}/cmdline`]);
        expect(gateway.stdout.split('\0').slice(0, 4)).toEqual(['node', 'bin/nestclaw', 'gateway', 'run']);
      });

      it('runs the gateway as uid 10001', async () => {
        const status = await exec(container, ['cat', '/proc/1/status']);
        expect(status.stdout).toMatch(/^Uid:\s+10001\s+10001\s+10001\s+10001$/m);
      });

      it('has the CLI on PATH, and `nestclaw health` reaches the gateway', async () => {
        const which = await exec(container, ['sh', '-c', 'command -v nestclaw']);
        expect(which.stdout.trim()).toBe('/usr/local/bin/nestclaw');
        const health = await exec(container, ['nestclaw', 'health']);
        expect({ code: health.code, stderr: health.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
      });

      it('`nestclaw status` in the container reports the bind the gateway uses', async () => {
        const status = await exec(container, ['nestclaw', 'status', '--json']);
        expect(status.code).toBe(0);
        expect(JSON.parse(status.stdout)).toMatchObject({ bind: 'lan', stateDir: '/data' });
      });

      it('`nestclaw security audit` in the container warns about the non-loopback bind without TLS', async () => {
        const audit = await exec(container, ['nestclaw', 'security', 'audit', '--json']);
        const findings = (JSON.parse(audit.stdout).findings as Array<{ id: string; severity: string }>).map((f) => [
          f.id,
          f.severity,
        ]);
        expect(findings).toContainEqual(['gateway.bind.non-loopback', 'warn']);
        expect(findings).toContainEqual(['gateway.tls.off', 'warn']);
      });

      it('stops on SIGTERM with exit 0, closing sockets with 1012, and keeps /data for the next container', async () => {
        // Written by the gateway's user, so the volume is writable for it; read back by a new container.
        const write = await exec(container, [
          'sh',
          '-c',
          'echo "{ gateway: { controlUi: { enabled: false } } }" > /data/nestclaw.json',
        ]);
        expect(write.code).toBe(0);
        const client = await WsTestClient.open(`ws://127.0.0.1:${port}`);

        await must(['stop', '-t', '30', container]);

        expect((await client.waitClosed(30_000)).code).toBe(1012);
        expect(await exitCodeOf(container)).toBe(0);
        await must(['rm', container]);

        const next = await startGateway({ volume, port });
        const status = JSON.parse((await exec(next, ['nestclaw', 'status', '--json'])).stdout);
        expect(status).toMatchObject({ configPath: '/data/nestclaw.json', configFound: true });
        const files = (await exec(next, ['ls', '-A', '/data'])).stdout.split('\n');
        expect(files).toEqual(expect.arrayContaining(['nestclaw.json', 'state.db']));
        await must(['stop', '-t', '30', next]);
        expect(await exitCodeOf(next)).toBe(0);
      });
    });

    const podmanCompose = name === 'podman' && spawnSync('podman-compose', ['version'], { stdio: 'ignore' }).status === 0;
    itWhen(
      podmanCompose,
      'no podman-compose',
      'apt-get install podman-compose',
    )('docker-compose.yml runs as it is under podman-compose, read-only and without capabilities', async () => {
      // The repository's file with only the host port, the image and the build context made unique to this run.
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nestclaw-e2e-compose-'));
      dirs.push(dir);
      const port = await freePort();
      const original = fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8');
      const compose = original
        .replace('"127.0.0.1:18789:18789"', `"127.0.0.1:${port}:18789"`)
        .replace(/^(\s+)image: nestclaw:local$/m, `$1image: ${IMAGE}`)
        .replace(/^(\s+)build: \.$/m, `$1build: ${ROOT}`);
      expect(compose).not.toBe(original);
      fs.writeFileSync(path.join(dir, 'docker-compose.yml'), compose);
      fs.writeFileSync(path.join(dir, 'nestclaw.env'), `NESTCLAW_GATEWAY_TOKEN=${TOKEN}\n`, { mode: 0o600 });
      const project = `nestclaw-e2e-${RUN_ID}`;
      const composeCmd = (args: string[]) =>
        mustRunEngine('podman-compose', ['-p', project, ...args], {
          cwd: dir,
          env: { ...process.env, BUILDAH_FORMAT: 'docker' },
        });
      // `up` builds only when the image is missing: the one built above is used.
      await composeCmd(['up', '-d']);
      try {
        const ps = await must(['ps', '--filter', `label=io.podman.compose.project=${project}`, '--format', '{{.Names}}']);
        const container = ps.trim().split('\n')[0];
        expect(container).toBeTruthy();
        await waitForHealthz(port, container);
        const status = await exec(container, ['nestclaw', 'status', '--json']);
        expect(JSON.parse(status.stdout)).toMatchObject({ bind: 'lan' });
        expect((await run(['healthcheck', 'run', container])).code).toBe(0);
      } finally {
        await composeCmd(['down', '-v']);
      }
    });

    const asRoot = process.getuid?.() === 0;
    itWhen(asRoot, 'needs root (it chowns a host directory to uid 10001)', 'run the suite as root, as .ci/run does')(
      'a host directory at /data not owned by 10001 fails with EPERM on chmod, and `chown 10001:10001` fixes it',
      async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nestclaw-e2e-data-'));
        dirs.push(dir);
        fs.chmodSync(dir, 0o755);
        const refused = await run([
          'run',
          '--name',
          newName('hostdir'),
          '-v',
          `${dir}:/data`,
          '-e',
          `NESTCLAW_GATEWAY_TOKEN=${TOKEN}`,
          IMAGE,
        ]);
        expect(refused.code).not.toBe(0);
        expect(refused.stdout + refused.stderr).toContain("EPERM: operation not permitted, chmod '/data'");

        // The fix docs/operations.md gives.
        fs.chownSync(dir, 10001, 10001);
        fs.chmodSync(dir, 0o700);
        const port = await freePort();
        const container = await startGateway({ volume: dir, port });
        await must(['stop', '-t', '30', container]);
        expect(fs.readdirSync(dir)).toContain('state.db');
      },
      CASE_TIMEOUT_MS,
    );
  });
}
