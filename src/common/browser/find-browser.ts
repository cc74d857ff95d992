import * as fs from 'node:fs';
import * as path from 'node:path';

/** Names the Debian, Ubuntu and Google packages install on PATH, in the order we prefer them. */
const CANDIDATE_NAMES = ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome', 'chrome'];

/** The configured executable when it exists, else the first Chromium/Chrome on PATH; undefined when there is none. */
export function findBrowserExecutable(
  configured: string | undefined,
  envPath: string | undefined = process.env.PATH,
): string | undefined {
  if (configured) return isExecutable(configured) ? configured : undefined;
  for (const dir of (envPath ?? '').split(path.delimiter).filter(Boolean)) {
    for (const name of CANDIDATE_NAMES) {
      const candidate = path.join(dir, name);
      if (isExecutable(candidate)) return candidate;
    }
  }
  return undefined;
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
