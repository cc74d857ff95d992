import * as path from 'node:path';
import type { ExecAllowlistEntry } from './exec-approvals-file';
import { hasGlob, pathGlobMatches } from './path-glob';

export interface ProgramTarget {
  /** The file that would run; undefined when argv[0] was not found. */
  resolvedPath?: string;
  /** What `~/` in a pattern stands for on this host. */
  homeDir: string;
  /** A bare name through this host's own PATH (not the caller's). */
  resolveBareName(name: string): string | undefined;
}

/**
 * Whether an entry's pattern names the program that would run. Path
 * patterns are globbed against the resolved path as the reference does. A
 * bare name is stricter than the reference's basename match: it means the
 * file that name resolves to on the host's own PATH, so an approved `echo`
 * never lets `/tmp/x/echo` run.
 *
 * Entries nestclaw cannot honour exactly allow nothing: one with the
 * reference's `argPattern` (its syntax is not ours), and an "allow-always"
 * marker without argument patterns (the reference skips those too).
 */
export function entryMatchesProgram(entry: ExecAllowlistEntry, target: ProgramTarget): boolean {
  if (entry.argPattern !== undefined) return false;
  if (entry.source === 'allow-always' && entry.args === undefined) return false;
  const resolved = target.resolvedPath;
  if (resolved === undefined) return false;
  const pattern = entry.pattern.trim();
  if (pattern === '*') return true;
  if (!pattern.includes('/')) return target.resolveBareName(pattern) === resolved;
  const expanded = pattern.startsWith('~/') ? path.join(target.homeDir, pattern.slice(2)) : pattern;
  if (!path.isAbsolute(expanded)) return false;
  const normalizedTarget = path.normalize(resolved);
  return hasGlob(expanded) ? pathGlobMatches(expanded, normalizedTarget) : path.normalize(expanded) === normalizedTarget;
}
