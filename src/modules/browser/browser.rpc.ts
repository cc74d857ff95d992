import { RpcHandlers, RpcMethod } from '../gateway/rpc/rpc.decorators';
import { BrowserService } from './browser.service';
import { BrowserRequestParams } from './dto/browser-request.params';

@RpcHandlers()
export class BrowserRpc {
  constructor(private readonly browser: BrowserService) {}

  /** Drives a real browser on the gateway host (or its browser node), so it needs write access. */
  @RpcMethod('browser.request', { scope: 'operator.write', params: BrowserRequestParams })
  request(p: BrowserRequestParams) {
    return this.browser.operatorRequest(p);
  }
}
