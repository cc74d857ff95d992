import * as fs from 'node:fs';
import * as path from 'node:path';

/** src/common and dist/common sit at the same depth, so this finds package.json from both. */
export const NESTCLAW_VERSION: string = (() => {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
})();
