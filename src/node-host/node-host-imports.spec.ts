import * as fs from 'node:fs';
import * as path from 'node:path';

/** The node host runs on machines without the gateway: it may use src/common and node built-ins, nothing of Nest. */
describe('node host imports', () => {
  const root = __dirname;
  const files = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return files(full);
      return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [full] : [];
    });
  const common = path.resolve(root, '..', 'common');

  it.each(files(root).map((file) => [path.relative(root, file), file]))(
    '%s imports only node built-ins, ws and src/common',
    (_name, file) => {
      const source = fs.readFileSync(file, 'utf8');
      const specifiers = [...source.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map((match) => match[1]);
      for (const specifier of specifiers) {
        if (specifier.startsWith('node:') || specifier === 'ws') continue;
        expect(specifier.startsWith('.')).toBe(true);
        const target = path.resolve(path.dirname(file), specifier);
        expect(target.startsWith(root + path.sep) || target === common || target.startsWith(common + path.sep)).toBe(true);
      }
    },
  );
});
