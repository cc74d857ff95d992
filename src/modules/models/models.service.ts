import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { GatewayRuntime } from '../config/gateway-runtime';
import { OPENAI_DEFAULT_BASE_URL } from './models.constants';
import { ModelListError, ModelsClient } from './models.client';
import { ModelsErrors } from './models.errors';
import type { ModelChoice } from './models.types';

/** How long a fetched list is served before the endpoint is asked again. */
export const MODEL_CACHE_TTL_MS = 5 * 60_000;

interface CacheEntry {
  key: string;
  models: ModelChoice[];
  fetchedAtMs: number;
}

/**
 * The models the configured OpenAI-compatible endpoint offers, cached so the
 * Control UI and the CLI do not hit the endpoint on every call. Callers at
 * the same moment share one request. When a refresh fails, the last good
 * list is served (and the failure logged) rather than nothing.
 */
@Injectable()
export class ModelsService {
  private readonly logger = new Logger('Models');
  private cache?: CacheEntry;
  private inFlight?: { key: string; promise: Promise<ModelChoice[]> };

  constructor(
    private readonly client: ModelsClient,
    private readonly runtime: GatewayRuntime,
    private readonly clock: Clock,
  ) {}

  async list(options: { refresh?: boolean } = {}): Promise<ModelChoice[]> {
    const agent = this.runtime.config.agent;
    if (agent.provider !== 'openai') return [];
    const baseUrl = agent.baseUrl ?? OPENAI_DEFAULT_BASE_URL;
    // A changed endpoint or key must not be answered from the old one's list.
    const key = `${baseUrl}\n${agent.apiKey ?? ''}`;
    const cached = this.cache?.key === key ? this.cache : undefined;
    if (cached && !options.refresh && this.clock.now() - cached.fetchedAtMs < MODEL_CACHE_TTL_MS) return cached.models;
    if (this.inFlight?.key !== key) {
      const promise = this.fetch(key, baseUrl, agent.apiKey).finally(() => {
        if (this.inFlight?.promise === promise) this.inFlight = undefined;
      });
      this.inFlight = { key, promise };
    }
    try {
      return await this.inFlight.promise;
    } catch (error) {
      if (!(error instanceof ModelListError)) throw error;
      if (cached) {
        this.logger.warn(`serving the cached model list: ${error.message}`);
        return cached.models;
      }
      throw ModelsErrors.endpointFailed(error.message);
    }
  }

  /** Throws unless the model may be chosen for a session. */
  async assertSelectable(model: string): Promise<void> {
    if (this.runtime.config.agent.provider !== 'openai') throw ModelsErrors.builtinHasNoModels();
    const models = await this.list();
    if (!models.some((m) => m.id === model)) throw ModelsErrors.unknownModel(model);
  }

  private async fetch(key: string, baseUrl: string, apiKey: string | undefined): Promise<ModelChoice[]> {
    const ids = await this.client.fetchIds(baseUrl, apiKey);
    const models = ids.sort().map((id) => ({ id, name: id, provider: 'openai' }));
    this.cache = { key, models, fetchedAtMs: this.clock.now() };
    return models;
  }
}
