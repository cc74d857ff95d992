import { PROFILE_ENV, profileNameProblem } from '../common/config/profile';
import { UsageError } from './exit-codes';

/**
 * Takes `--profile NAME` (or `--profile=NAME`) out of argv wherever it
 * stands, so it works on every command without each declaring it, and
 * returns the rest. Arguments after `--` are left alone.
 */
export function extractProfile(argv: readonly string[]): { argv: string[]; profile?: string } {
  const rest: string[] = [];
  let profile: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    let value: string | undefined;
    if (arg === '--profile') {
      value = argv[i + 1];
      if (value === undefined || value.startsWith('-')) throw new UsageError('--profile needs a name, e.g. --profile work');
      i++;
    } else if (arg.startsWith('--profile=')) {
      value = arg.slice('--profile='.length);
    } else {
      rest.push(arg);
      continue;
    }
    if (profile !== undefined && profile !== value)
      throw new UsageError(`--profile was given twice (${profile}, ${value}); give one`);
    profile = value;
  }
  return { argv: rest, ...(profile !== undefined ? { profile } : {}) };
}

/**
 * Puts the profile where the config loader and every child process read it.
 * An explicit NESTCLAW_STATE_DIR still wins for the state dir (tests and
 * containers set it); the port and unit names follow the profile.
 */
export function applyProfile(profile: string | undefined, env: NodeJS.ProcessEnv): void {
  if (profile === undefined) return;
  const problem = profileNameProblem(profile);
  if (problem && profile !== 'default') throw new UsageError(problem);
  if (env[PROFILE_ENV] !== undefined && env[PROFILE_ENV] !== profile)
    throw new UsageError(`--profile ${profile} contradicts ${PROFILE_ENV}=${env[PROFILE_ENV]}; drop one of them`);
  env[PROFILE_ENV] = profile;
}
