import { invalidRequest, unavailable } from '../gateway/rpc/rpc-error';

const REREAD = 'run config.get (`nestclaw config get`) and send its hash as baseHash';

export const ConfigErrors = {
  baseHashRequired: () => invalidRequest(`a config file exists, so baseHash is required: ${REREAD}`),
  staleBaseHash: () =>
    invalidRequest(`the config file changed since it was read (baseHash is stale): ${REREAD}, redo the edit on top of it`, {
      details: { reason: 'stale-base-hash' },
    }),
  invalid: (problems: readonly string[]) =>
    invalidRequest(`invalid configuration, nothing was written:\n${problems.map((p) => `  - ${p}`).join('\n')}`, {
      details: { reason: 'invalid-config', issues: problems },
    }),
  notJson5: (detail: string) =>
    invalidRequest(`raw is not valid JSON5 (${detail}); send the whole file as text, e.g. "{ agent: { model: 'x' } }"`),
  patchNotObject: () => invalidRequest('the patch must be an object, e.g. { channels: { telegram: { dmPolicy: "open" } } }'),
  patchOrRaw: () => invalidRequest('send exactly one of patch (an object) or raw (JSON5 text of the patch)'),
  fileInvalid: (problems: readonly string[]) =>
    invalidRequest(
      `the config file on disk does not validate, so a patch cannot be applied on top of it; fix the file or replace it with config.set:\n${problems
        .map((p) => `  - ${p}`)
        .join('\n')}`,
    ),
  environmentSecret: (paths: readonly string[]) =>
    invalidRequest(
      `${paths.join(', ')}: this value is a secret the gateway reads from its environment; it is not written to the file. ` +
        'Leave the key out (the environment keeps providing it), or send the redaction placeholder config.get gave.',
      { details: { reason: 'environment-secret', paths } },
    ),
  replacePathsUnsupported: () =>
    invalidRequest(
      'replacePaths is not supported: a merge patch replaces arrays and values, and null removes a key; null the object first, or send the whole file with config.set',
      { details: { fields: ['replacePaths'] } },
    ),
  restartUnavailable: () =>
    unavailable('this gateway cannot restart itself (it was not started by `nestclaw gateway run`); restart it by hand'),
};
