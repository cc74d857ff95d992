import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';

const ROOT = path.resolve(__dirname, '..', '..');

/** Debian's chromium (or CHROMIUM_PATH); undefined when this machine has none. */
export function findChromium(): string | undefined {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/lib/chromium/chromium'];
  for (const candidate of candidates) {
    if (candidate && fs.existsSync(candidate)) return candidate;
  }
  try {
    const found = execFileSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], { encoding: 'utf8' }).trim();
    return found || undefined;
  } catch {
    return undefined;
  }
}

/**
 * The e2e globalSetup compiles only the server; the page's own build (tsc for
 * the browser + static files into dist/control-ui) runs here. It is safe to
 * run from several test workers at once (files are moved into place atomically).
 */
export function buildControlUi(): void {
  execFileSync(process.execPath, [path.join(ROOT, 'src', 'control-ui-web', 'build.mjs')], { cwd: ROOT, stdio: 'inherit' });
}

export async function launchChromium(executablePath: string): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath,
    headless: true,
    // No network beyond 127.0.0.1: no component updates, safe browsing or metrics.
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
  });
}

/**
 * Where a browser suite saves its screenshots: NESTCLAW_TEST_ARTIFACTS to keep
 * and look at them, else a temp dir of the suite's own that `remove()` deletes
 * in afterAll (the run's temp dir would flag it as a leftover otherwise).
 */
export function artifactsDir(suite: string): { path(name: string): string; remove(): void } {
  const kept = process.env.NESTCLAW_TEST_ARTIFACTS;
  const dir = kept ? path.resolve(kept) : fs.mkdtempSync(path.join(os.tmpdir(), `nestclaw-test-${suite}-shots-`));
  fs.mkdirSync(dir, { recursive: true });
  return {
    path: (name) => path.join(dir, name),
    remove: () => {
      if (!kept) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
