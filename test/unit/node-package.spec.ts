import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
/** Loaded only by `gateway run`, which the node package answers with "no gateway server here". */
const SERVER_ONLY = new Set(['src/cli/load-server.ts']);

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [full] : [];
  });
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

describe('the nestclaw-node package (scripts/pack-node-host.mjs)', () => {
  const script = fs.readFileSync(path.join(ROOT, 'scripts', 'pack-node-host.mjs'), 'utf8');
  // The list as written in the script: quotes made JSON's, prettier's trailing comma dropped.
  const literal = /NODE_HOST_DEPENDENCIES = (\[[^\]]*\])/.exec(script)![1];
  const declared = JSON.parse(literal.replace(/'/g, '"').replace(/,\s*\]$/, ']')) as string[];

  it('declares exactly the packages src/cli, src/common and src/node-host import', () => {
    const imported = new Set<string>();
    for (const dir of ['cli', 'common', 'node-host']) {
      for (const file of sources(path.join(ROOT, 'src', dir))) {
        if (SERVER_ONLY.has(path.relative(ROOT, file))) continue;
        const text = fs.readFileSync(file, 'utf8');
        // Static imports (also side-effect only ones) and dynamic import(): what loads at run time.
        const pattern =
          /^\s*(?:import|export)\s[^;]*?from\s*'([^'.][^']*)'|^\s*import\s*'([^'.][^']*)'|\bimport\(\s*'([^'.][^']*)'\s*\)/gm;
        for (const match of text.matchAll(pattern)) {
          const specifier = match[1] ?? match[2] ?? match[3];
          if (!specifier.startsWith('node:')) imported.add(packageName(specifier));
        }
      }
    }
    expect([...imported].sort()).toEqual([...declared].sort());
  });

  it('takes their versions from the root package.json', () => {
    const root = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    for (const name of declared) expect(root.dependencies[name]).toBeDefined();
  });
});
