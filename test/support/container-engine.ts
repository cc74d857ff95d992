import { spawn, spawnSync } from 'node:child_process';

/** The tag the Dockerfile's default NODE_IMAGE resolves to; shared/tools/container-base-image lays a stand-in under it. */
export const NODE_BASE_IMAGE = 'docker.io/library/node:20-bookworm-slim';

export type EngineName = 'podman' | 'docker';

export interface EngineResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export type Engine = { name: EngineName; ready: true } | { name?: EngineName; ready: false; reason: string; enable: string };

/**
 * Podman or Docker, whichever answers `info` (NESTCLAW_CONTAINER_ENGINE picks one), and only
 * when the Node base image is there or can be pulled: without Docker Hub it must be laid first.
 */
export function detectEngine(env: NodeJS.ProcessEnv = process.env): Engine {
  if (env.NESTCLAW_CONTAINER_E2E === '0')
    return { ready: false, reason: 'NESTCLAW_CONTAINER_E2E=0 turns it off', enable: 'unset NESTCLAW_CONTAINER_E2E' };
  const wanted = env.NESTCLAW_CONTAINER_ENGINE;
  const candidates: EngineName[] = wanted === 'podman' || wanted === 'docker' ? [wanted] : ['podman', 'docker'];
  for (const name of candidates) {
    const info = spawnSync(name, ['info'], { stdio: 'ignore', timeout: 30_000 });
    if (info.error || info.status !== 0) continue;
    const image = spawnSync(name, ['image', 'inspect', NODE_BASE_IMAGE], { stdio: 'ignore', timeout: 30_000 });
    if (image.status === 0 || name === 'docker') return { name, ready: true };
    return {
      name,
      ready: false,
      reason: `${name} has no ${NODE_BASE_IMAGE}`,
      enable:
        `\`${name} pull ${NODE_BASE_IMAGE}\`, or without Docker Hub ` +
        'lay the stand-in with `W=/some/dir bash ../shared/tools/container-base-image` as root',
    };
  }
  return {
    ready: false,
    reason: 'no container engine',
    enable: 'install podman (as root: apt-get install podman runc uidmap; see .ci/run) or docker',
  };
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/** Runs the engine (or a tool beside it, such as podman-compose) and collects its output; a non-zero exit is a result, not an error. */
export function runEngine(engine: string, args: string[], options: RunOptions = {}): Promise<EngineResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(engine, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Like runEngine, but a non-zero exit throws with the engine's own words. */
export async function mustRunEngine(engine: string, args: string[], options: RunOptions = {}): Promise<string> {
  const result = await runEngine(engine, args, options);
  if (result.code !== 0) {
    throw new Error(`${engine} ${args.join(' ')} exited ${result.code}:\n${(result.stderr || result.stdout).slice(-4000)}`);
  }
  return result.stdout;
}

/** Polls until check() returns a value; the engine's state changes outside this process, so there is nothing to await. */
export async function waitUntil<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}
