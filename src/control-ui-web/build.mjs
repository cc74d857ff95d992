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
/**
 * Shared code the page runs as well as the server, so both render the same
 * way (the chat Markdown subset): each is copied into the page's shared/
 * folder and the page's imports of it are pointed there. Such a file must
 * import nothing itself.
 */
const SHARED_RUNTIME = ['common/markdown/markdown.js'];

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nestclaw-control-ui-'));
try {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', path.join(here, 'tsconfig.json'), '--outDir', tmp], { cwd: root, stdio: 'inherit' });
  // rootDir is src/: the page's files land in tmp/control-ui-web, the wire types it reads in tmp/common.
  const page = path.join(tmp, 'control-ui-web');
  for (const shared of SHARED_RUNTIME) shareWithPage(tmp, page, shared);
  refuseRuntimeImportsOutside(page);
  for (const name of STATIC_FILES) fs.copyFileSync(path.join(here, name), path.join(page, name));
  install(page, target);
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}

function shareWithPage(tmp, page, shared) {
  const source = fs.readFileSync(path.join(tmp, shared), 'utf8');
  if (/^\s*(import|export)\s[^;]*\bfrom\s/m.test(source))
    throw new Error(`${shared} imports other modules; the page cannot load it`);
  const target = path.join(page, 'shared', path.basename(shared));
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, source);
  const specifier = new RegExp(`(from\\s+['"])((?:\\.\\./)+)${shared.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(['"])`, 'g');
  for (const entry of fs.readdirSync(page, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.js')) continue;
    const file = path.join(entry.parentPath ?? entry.path, entry.name);
    const text = fs.readFileSync(file, 'utf8');
    let relative = path.relative(path.dirname(file), target).split(path.sep).join('/');
    if (!relative.startsWith('.')) relative = `./${relative}`;
    const rewritten = text.replace(specifier, (_, open, _up, close) => `${open}${relative}${close}`);
    if (rewritten !== text) fs.writeFileSync(file, rewritten);
  }
}

/**
 * The page is served without a bundler, so only its own modules exist in the
 * browser: shared code must be imported with `import type`, which tsc erases.
 */
function refuseRuntimeImportsOutside(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.js')) continue;
    const file = path.join(entry.parentPath ?? entry.path, entry.name);
    if (/\bfrom\s+['"]\.\.\/(\.\.\/)*common\//.test(fs.readFileSync(file, 'utf8'))) {
      throw new Error(
        `${path.relative(dir, file)} imports src/common at run time; use \`import type\` in the Control UI page, or list a dependency-free file in SHARED_RUNTIME`,
      );
    }
  }
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
