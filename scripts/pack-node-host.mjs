#!/usr/bin/env node
// Builds `nestclaw-node`, the node-host package: the same compiled CLI, common and
// node-host code as `nestclaw`, without the server (no Nest, no SQLite, nothing to
// compile natively). Usage: node scripts/pack-node-host.mjs [--out DIR]  (after `npm run build`).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** What src/cli, src/common and src/node-host import at run time (test/unit/node-package.spec.ts keeps this honest). */
// playwright-core is plain JavaScript (it downloads no browser): `node run --browser` drives the system Chromium with it.
export const NODE_HOST_DEPENDENCIES = [
  'class-transformer',
  'class-validator',
  'commander',
  'json5',
  'playwright-core',
  'reflect-metadata',
  'ws',
];
const COMPILED_DIRS = ['cli', 'common', 'node-host'];

function main() {
  const outFlag = process.argv.indexOf('--out');
  const outDir = path.resolve(outFlag === -1 ? ROOT : process.argv[outFlag + 1]);
  const dist = path.join(ROOT, 'dist');
  for (const dir of COMPILED_DIRS) {
    if (!fs.existsSync(path.join(dist, dir))) {
      console.error(`dist/${dir} is missing: run \`npm run build\` first`);
      process.exit(3);
    }
  }
  const root = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'nestclaw-node-pack-'));
  try {
    for (const dir of COMPILED_DIRS) {
      fs.cpSync(path.join(dist, dir), path.join(staging, 'dist', dir), {
        recursive: true,
        filter: (source) => !source.endsWith('.spec.js') && !source.endsWith('.spec.js.map'),
      });
    }
    fs.cpSync(path.join(ROOT, 'bin'), path.join(staging, 'bin'), { recursive: true });
    fs.copyFileSync(path.join(ROOT, 'docs', 'node-host.md'), path.join(staging, 'README.md'));
    const manifest = {
      name: 'nestclaw-node',
      version: root.version,
      description:
        "The nestclaw node host and CLI, without the gateway server: lends this machine's commands to a nestclaw gateway.",
      license: root.license,
      engines: root.engines,
      bin: root.bin,
      files: ['bin/', 'dist/', 'README.md'],
      dependencies: Object.fromEntries(NODE_HOST_DEPENDENCIES.map((name) => [name, root.dependencies[name]])),
    };
    fs.writeFileSync(path.join(staging, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    fs.mkdirSync(outDir, { recursive: true });
    const packed = execFileSync('npm', ['pack', '--silent', '--pack-destination', outDir], { cwd: staging, encoding: 'utf8' });
    const tarball = path.join(outDir, packed.trim().split('\n').pop());
    console.log(tarball);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
