import * as path from 'node:path';
import type { NodeCommand } from '../invoke-types';
import { onlyKeys, paramsObject, stringArray } from '../params';
import { FileProbe, findOnPath, isBareName, systemFileProbe } from '../../common/exec/path-lookup';

export const SYSTEM_WHICH = 'system.which';
const MAX_BINS = 256;

export interface SystemWhichDeps {
  /** The node host's PATH (the same one system.run starts from). */
  pathEnv: string;
  probe?: FileProbe;
}

/** `system.which {bins}` → `{bins: {name: absolute path | null}}`, searched on the node host's PATH. */
export function systemWhichCommand(deps: SystemWhichDeps): NodeCommand {
  const probe = deps.probe ?? systemFileProbe;
  return {
    name: SYSTEM_WHICH,
    async run(value: unknown): Promise<{ bins: Record<string, string | null> }> {
      const params = paramsObject(value);
      onlyKeys(params, ['bins']);
      const names = stringArray(params, 'bins', { max: MAX_BINS, what: 'program names, e.g. ["git","ffmpeg"]' });
      const bins: Record<string, string | null> = {};
      for (const name of names) bins[name] = locate(name, deps.pathEnv, probe) ?? null;
      return { bins };
    },
  };
}

/** A name with a slash is checked as an absolute path; anything else is looked up on PATH. */
function locate(name: string, pathEnv: string, probe: FileProbe): string | undefined {
  if (isBareName(name)) return findOnPath(name, pathEnv, probe);
  if (!path.isAbsolute(name)) return undefined;
  const file = path.normalize(name);
  return probe.isExecutableFile(file) ? file : undefined;
}
