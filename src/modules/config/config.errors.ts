import { DomainError } from '../../common/domain-error';

export const ConfigErrorCode = {
  BaseHashRequired: 'BASE_HASH_REQUIRED',
  StaleBaseHash: 'STALE_BASE_HASH',
  /** The edit (or the file it would produce) does not validate. */
  Invalid: 'INVALID',
  NotJson5: 'NOT_JSON5',
  PatchNotObject: 'PATCH_NOT_OBJECT',
  PatchOrRaw: 'PATCH_OR_RAW',
  /** The file already on disk does not validate, so nothing can be patched on top of it. */
  FileInvalid: 'FILE_INVALID',
  EnvironmentSecret: 'ENVIRONMENT_SECRET',
  RestartUnavailable: 'RESTART_UNAVAILABLE',
  /** config.patch's replacePaths: a merge patch already replaces; refused rather than silently ignored. */
  ReplacePathsUnsupported: 'REPLACE_PATHS_UNSUPPORTED',
} as const;
export type ConfigErrorCode = (typeof ConfigErrorCode)[keyof typeof ConfigErrorCode];

export class ConfigError extends DomainError<ConfigErrorCode> {}

const REREAD = 'run config.get (`nestclaw config get`) and send its hash as baseHash';

export const ConfigErrors = {
  baseHashRequired: () =>
    new ConfigError(ConfigErrorCode.BaseHashRequired, `a config file exists, so baseHash is required: ${REREAD}`),
  staleBaseHash: () =>
    new ConfigError(
      ConfigErrorCode.StaleBaseHash,
      `the config file changed since it was read (baseHash is stale): ${REREAD}, redo the edit on top of it`,
      { details: { reason: 'stale-base-hash' } },
    ),
  invalid: (problems: readonly string[]) =>
    new ConfigError(
      ConfigErrorCode.Invalid,
      `invalid configuration, nothing was written:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
      { details: { reason: 'invalid-config', issues: problems } },
    ),
  notJson5: (detail: string) =>
    new ConfigError(
      ConfigErrorCode.NotJson5,
      `raw is not valid JSON5 (${detail}); send the whole file as text, e.g. "{ agent: { model: 'x' } }"`,
    ),
  patchNotObject: () =>
    new ConfigError(
      ConfigErrorCode.PatchNotObject,
      'the patch must be an object, e.g. { channels: { telegram: { dmPolicy: "open" } } }',
    ),
  patchOrRaw: () =>
    new ConfigError(ConfigErrorCode.PatchOrRaw, 'send exactly one of patch (an object) or raw (JSON5 text of the patch)'),
  fileInvalid: (problems: readonly string[]) =>
    new ConfigError(
      ConfigErrorCode.FileInvalid,
      `the config file on disk does not validate, so a patch cannot be applied on top of it; fix the file or replace it with config.set:\n${problems
        .map((p) => `  - ${p}`)
        .join('\n')}`,
    ),
  environmentSecret: (paths: readonly string[]) =>
    new ConfigError(
      ConfigErrorCode.EnvironmentSecret,
      `${paths.join(', ')}: this value is a secret the gateway reads from its environment; it is not written to the file. ` +
        'Leave the key out (the environment keeps providing it), or send the redaction placeholder config.get gave.',
      { details: { reason: 'environment-secret', paths } },
    ),
  replacePathsUnsupported: () =>
    new ConfigError(
      ConfigErrorCode.ReplacePathsUnsupported,
      'replacePaths is not supported: a merge patch replaces arrays and values, and null removes a key; null the object first, or send the whole file with config.set',
      { details: { fields: ['replacePaths'] } },
    ),
  restartUnavailable: () =>
    new ConfigError(
      ConfigErrorCode.RestartUnavailable,
      'this gateway cannot restart itself (it was not started by `nestclaw gateway run`); restart it by hand',
    ),
};
