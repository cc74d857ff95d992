import { DomainError } from '../../common/domain-error';

export const ModelsErrorCode = {
  /** The model endpoint could not be asked, or its answer was unusable; worth retrying. */
  EndpointFailed: 'ENDPOINT_FAILED',
  UnknownModel: 'UNKNOWN_MODEL',
  BuiltinHasNoModels: 'BUILTIN_HAS_NO_MODELS',
} as const;
export type ModelsErrorCode = (typeof ModelsErrorCode)[keyof typeof ModelsErrorCode];

export class ModelsError extends DomainError<ModelsErrorCode> {}

export const ModelsErrors = {
  endpointFailed: (why: string) =>
    new ModelsError(ModelsErrorCode.EndpointFailed, `cannot list models: ${why}; check agent.baseUrl and agent.apiKey`),
  unknownModel: (model: string) =>
    new ModelsError(
      ModelsErrorCode.UnknownModel,
      `unknown model ${JSON.stringify(model)}: the model endpoint does not list it; see \`nestclaw models list\``,
    ),
  builtinHasNoModels: () =>
    new ModelsError(
      ModelsErrorCode.BuiltinHasNoModels,
      'agent.provider is "builtin", which has no models; set agent.provider to "openai" to choose one per session',
    ),
};
