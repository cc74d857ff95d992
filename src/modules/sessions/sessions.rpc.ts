import { RpcHandlers, RpcMethod } from '../gateway/rpc/rpc.decorators';
import { ChatHistoryParams } from './dto/chat-history.params';
import { SessionsService } from './sessions.service';

@RpcHandlers()
export class SessionsRpc {
  constructor(private readonly sessions: SessionsService) {}

  @RpcMethod('sessions.list', { scope: 'operator.read' })
  list() {
    return { sessions: this.sessions.list() };
  }

  @RpcMethod('chat.history', { scope: 'operator.read', params: ChatHistoryParams })
  history(p: ChatHistoryParams) {
    const messages = this.sessions.history(p.sessionKey, p.limit).map((e) => ({
      role: e.role,
      content: e.content,
      ts: e.createdAtMs,
      ...(e.runId ? { runId: e.runId } : {}),
    }));
    return { sessionKey: p.sessionKey, messages };
  }
}
