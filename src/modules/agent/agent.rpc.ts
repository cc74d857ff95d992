import { RpcHandlers, RpcMethod } from '../gateway/rpc/rpc.decorators';
import type { RpcContext } from '../gateway/rpc/rpc-context';
import { AgentRequestsService } from './agent-requests.service';
import { AbortChatParams } from './dto/abort-chat.params';
import { RunAgentParams } from './dto/run-agent.params';
import { SendChatParams } from './dto/send-chat.params';
import { WaitAgentParams } from './dto/wait-agent.params';

@RpcHandlers()
export class AgentRpc {
  constructor(private readonly requests: AgentRequestsService) {}

  /** Two-stage: an ack `{runId, status:"accepted"}`, then the final outcome with the same request id. */
  @RpcMethod('agent', { scope: 'operator.write', params: RunAgentParams })
  agent(p: RunAgentParams, ctx: RpcContext) {
    return this.requests.agent(p, ctx);
  }

  @RpcMethod('agent.wait', { scope: 'operator.write', params: WaitAgentParams })
  wait(p: WaitAgentParams) {
    return this.requests.wait(p);
  }

  @RpcMethod('chat.send', { scope: 'operator.write', params: SendChatParams })
  chatSend(p: SendChatParams, ctx: RpcContext) {
    return this.requests.chatSend(p, ctx);
  }

  @RpcMethod('chat.abort', { scope: 'operator.write', params: AbortChatParams })
  chatAbort(p: AbortChatParams) {
    return this.requests.chatAbort(p.sessionKey, p.runId);
  }
}
