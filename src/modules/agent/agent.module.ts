import { Module } from '@nestjs/common';
import { AgentRuntime } from './agent.runtime';

@Module({
  providers: [AgentRuntime],
  exports: [AgentRuntime],
})
export class AgentModule {}
