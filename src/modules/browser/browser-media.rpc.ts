import { RpcHandlers, RpcMethod } from '../gateway/rpc/rpc.decorators';
import { BrowserMediaRepository } from './browser-media.repository';
import { BrowserModuleErrors } from './browser.errors';
import { GetChatMediaParams } from './dto/get-chat-media.params';

@RpcHandlers()
export class BrowserMediaRpc {
  constructor(private readonly media: BrowserMediaRepository) {}

  /**
   * The pictures `chat` events name (browser screenshots), fetched in pieces
   * over the operator's own socket. Read scope, like the chat events and
   * chat.history that show the same conversation.
   */
  @RpcMethod('chat.media', { scope: 'operator.read', params: GetChatMediaParams })
  get(p: GetChatMediaParams) {
    const chunk = this.media.readChunk(p.mediaId, p.offset ?? 0);
    if (!chunk) throw BrowserModuleErrors.mediaNotFound(p.mediaId);
    return chunk;
  }
}
