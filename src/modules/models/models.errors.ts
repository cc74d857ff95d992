import { invalidRequest, unavailable } from '../gateway/rpc/rpc-error';

export const ModelsErrors = {
  endpointFailed: (why: string) =>
    unavailable(`cannot list models: ${why}; check agent.baseUrl and agent.apiKey`, { retryable: true }),
  unknownModel: (model: string) =>
    invalidRequest(`unknown model ${JSON.stringify(model)}: the model endpoint does not list it; see \`nestclaw models list\``),
  builtinHasNoModels: () =>
    invalidRequest('agent.provider is "builtin", which has no models; set agent.provider to "openai" to choose one per session'),
};
