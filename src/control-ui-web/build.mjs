// Builds the Control UI page into dist/control-ui: the TypeScript compiled by
// tsc as plain ES modules, plus the static files beside them. Files are
// compiled to a temporary folder and moved into place one by one with a rename,
// so two builds running at once (parallel test workers) never leave a half-written file.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const target = path.join(root, 'dist', 'control-ui');
const STATIC_FILES = ['index.html', 'app.css', 'favicon.svg'];

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nestclaw-control-ui-'));
try {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', path.join(here, 'tsconfig.json'), '--outDir', tmp], { cwd: root, stdio: 'inherit' });
  for (const name of STATIC_FILES) fs.copyFileSync(path.join(here, name), path.join(tmp, name));
  install(tmp, target);
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}

function install(from, to) {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const destination = path.join(to, entry.name);
    if (entry.isDirectory()) {
      install(source, destination);
      continue;
    }
    const staging = `${destination}.${process.pid}.tmp`;
    fs.copyFileSync(source, staging);
    fs.renameSync(staging, destination);
  }
}
