import { Module } from '@nestjs/common';
import { ApprovalsModule } from '../approvals/approvals.module';
import { BrowserModule } from '../browser/browser.module';
import { GatewayCoreModule } from '../gateway/gateway-core.module';
import { NodesModule } from '../nodes/nodes.module';
import { SessionsModule } from '../sessions/sessions.module';
import { AgentDeliveries } from './agent-deliveries';
import { AgentEventsPublisher } from './agent-events.publisher';
import { AgentIdempotencyRepository } from './agent-idempotency.repository';
import { AgentRequestsService } from './agent-requests.service';
import { AgentRpc } from './agent.rpc';
import { AgentRuntime } from './agent.runtime';
import { AgentProviders } from './providers/agent-providers';
import { BuiltinProvider } from './providers/builtin.provider';
import { OpenAiChatClient } from './providers/openai-chat.client';
import { OpenAiProvider } from './providers/openai.provider';
import { AgentTools } from './tools/agent-tools';
import { BrowserTool } from './tools/browser.tool';
import { HostExecRunner } from './tools/host-exec.runner';

@Module({
  imports: [ApprovalsModule, BrowserModule, GatewayCoreModule, NodesModule, SessionsModule],
  providers: [
    AgentDeliveries,
    AgentEventsPublisher,
    AgentIdempotencyRepository,
    AgentProviders,
    AgentRequestsService,
    AgentRpc,
    AgentRuntime,
    AgentTools,
    BrowserTool,
    BuiltinProvider,
    HostExecRunner,
    OpenAiChatClient,
    OpenAiProvider,
  ],
  exports: [AgentRuntime, AgentDeliveries],
})
export class AgentModule {}
