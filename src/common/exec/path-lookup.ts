import * as fs from 'node:fs';
import * as path from 'node:path';

export interface FileProbe {
  isExecutableFile(file: string): boolean;
}

export const systemFileProbe: FileProbe = {
  isExecutableFile(file) {
    try {
      if (!fs.statSync(file).isFile()) return false;
      fs.accessSync(file, fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  },
};

export function isBareName(name: string): boolean {
  return !name.includes('/');
}

/**
 * The first executable file called `name` in the PATH directories, as an
 * absolute path. Empty and relative PATH entries are skipped: they would
 * make the result depend on the working directory a caller chose.
 */
export function findOnPath(name: string, pathEnv: string | undefined, probe: FileProbe = systemFileProbe): string | undefined {
  if (name === '' || name === '.' || name === '..' || !isBareName(name)) return undefined;
  for (const dir of (pathEnv ?? '').split(path.delimiter)) {
    if (!path.isAbsolute(dir)) continue;
    const candidate = path.join(dir, name);
    if (probe.isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Where `argv[0]` points: a bare name through PATH (undefined when not
 * found), anything with a slash as a path against `cwd`.
 */
export function resolveCommandPath(
  argv0: string,
  pathEnv: string | undefined,
  cwd: string,
  probe: FileProbe = systemFileProbe,
): string | undefined {
  if (isBareName(argv0)) return findOnPath(argv0, pathEnv, probe);
  return path.resolve(cwd, argv0);
}
