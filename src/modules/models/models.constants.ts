/** Where agent.provider "openai" goes when agent.baseUrl is not set; the agent's chat client uses the same. */
export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';
