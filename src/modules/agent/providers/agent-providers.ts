import { Injectable } from '@nestjs/common';
import { GatewayRuntime } from '../../config/gateway-runtime';
import type { AgentProvider } from './agent-provider';
import { BuiltinProvider } from './builtin.provider';
import { OpenAiProvider } from './openai.provider';

/**
 * Picks who answers a message: agent.provider, except that the builtin
 * commands (/help, /status, /nodes, /run, /reset) are always handled here,
 * so a chat can reset its conversation whatever the provider.
 */
@Injectable()
export class AgentProviders {
  constructor(
    private readonly gateway: GatewayRuntime,
    private readonly builtin: BuiltinProvider,
    private readonly openai: OpenAiProvider,
  ) {}

  for(message: string): AgentProvider {
    if (this.gateway.config.agent.provider !== 'openai' || this.builtin.handles(message)) return this.builtin;
    return this.openai;
  }
}
