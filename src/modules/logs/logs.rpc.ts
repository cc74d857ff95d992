import { RpcHandlers, RpcMethod } from '../gateway/rpc/rpc.decorators';
import { LogsTailParams } from './dto/logs-tail.params';
import { LogsService } from './logs.service';

@RpcHandlers()
export class LogsRpc {
  constructor(private readonly logs: LogsService) {}

  @RpcMethod('logs.tail', { scope: 'operator.read', params: LogsTailParams })
  tail(p: LogsTailParams) {
    return this.logs.tail(p);
  }
}
