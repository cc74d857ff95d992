import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli } from '../support/cli-process';
import { freePort } from '../support/free-port';
import { makeStateDir } from '../support/test-app';

// Docker cannot run in the test environment: these run the image's default command with the CLI directly and read the files.
const ROOT = path.resolve(__dirname, '..', '..');
const dockerfile = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
const compose = fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8');

/** The bind the image sets as ENV, so the CLI run by `docker exec` sees it too. */
const imageEnv = { NESTCLAW_GATEWAY_BIND: /^\s*NESTCLAW_GATEWAY_BIND=(\S+)/m.exec(dockerfile)?.[1] ?? '' };

function instruction(name: string): string {
  const line = dockerfile.split('\n').find((l) => l.startsWith(`${name} `));
  if (!line) throw new Error(`no ${name} in the Dockerfile`);
  return line.slice(name.length + 1);
}

describe('Docker deployment files', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));
  const stateDir = () => {
    const dir = makeStateDir();
    dirs.push(dir);
    return dir;
  };

  it("runs the gateway on the container's interfaces as a non-root user with /data as the state dir", () => {
    expect(JSON.parse(instruction('ENTRYPOINT'))).toEqual(['/usr/bin/tini', '--', 'node', 'bin/nestclaw']);
    // The init process is installed in the runtime stage, the one the ENTRYPOINT runs in.
    expect(dockerfile.slice(dockerfile.indexOf('AS runtime'))).toMatch(/apt-get install -y --no-install-recommends tini/);
    expect(JSON.parse(instruction('CMD'))).toEqual(['gateway', 'run']);
    expect(imageEnv.NESTCLAW_GATEWAY_BIND).toBe('lan');
    expect(instruction('USER')).toBe('nestclaw');
    expect(instruction('VOLUME')).toBe('/data');
    expect(dockerfile).toMatch(/NESTCLAW_STATE_DIR=\/data/);
    expect(dockerfile).toMatch(/^HEALTHCHECK [\s\S]*\/healthz/m);
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
  });

  it('the default command refuses to start without a token, naming NESTCLAW_GATEWAY_TOKEN', async () => {
    // What a compose user without nestclaw.env gets (env_file is not required): the log names the variable to set.
    const run = runCli(JSON.parse(instruction('CMD')), { ...imageEnv, NESTCLAW_STATE_DIR: stateDir() });
    const { code } = await run.exited;
    expect(code).toBe(3);
    expect(run.output()).toContain('nestclaw: refusing to listen on 0.0.0.0 (bind "lan") without a configured token');
    expect(run.output()).toContain('NESTCLAW_GATEWAY_TOKEN');
  });

  it('the default command starts with a token from the environment', async () => {
    const port = await freePort();
    const run = runCli(JSON.parse(instruction('CMD')), {
      ...imageEnv,
      NESTCLAW_STATE_DIR: stateDir(),
      NESTCLAW_GATEWAY_PORT: String(port),
      NESTCLAW_GATEWAY_TOKEN: 'Zq3xV9mPk2LwT8rN5sYb7cHd4fJg6mQ',
    });
    try {
      await run.waitFor(`listening on ws://0.0.0.0:${port}`);
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);
    } finally {
      run.child.kill('SIGTERM');
      await run.exited;
    }
  }, 30_000);

  it("the compose example publishes the port on the host's loopback only, with the token from an env file", () => {
    const published = compose.split('\n').filter((line) => /^\s*-\s*"?[\d.:]+:\d+"?\s*$/.test(line));
    expect(published.map((line) => line.trim())).toEqual(['- "127.0.0.1:18789:18789"']);
    // The short form: podman-compose 1.0.3 cannot read the long one (container e2e runs this file as it is).
    expect(compose).toMatch(/^\s*env_file:\s*\n\s*- \.\/nestclaw\.env$/m);
    // A missing env file stops compose with its own terse error: the file says what that means and what to do.
    expect(compose).toContain('env file .../nestclaw.env not found');
    expect(compose).toContain('echo "NESTCLAW_GATEWAY_TOKEN=$(openssl rand -hex 32)" > nestclaw.env');
    expect(compose).toMatch(/^\s*- nestclaw-data:\/data$/m);
    expect(compose).not.toMatch(/^[^#]*NESTCLAW_GATEWAY_TOKEN/m);
  });
});
