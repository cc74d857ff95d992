import { RpcHandlers, RpcMethod } from '../gateway/rpc/rpc.decorators';
import { ListModelsParams } from './dto/list-models.params';
import { ModelsService } from './models.service';

@RpcHandlers()
export class ModelsRpc {
  constructor(private readonly models: ModelsService) {}

  @RpcMethod('models.list', { scope: 'operator.read', params: ListModelsParams })
  async list(p: ListModelsParams) {
    // preparedOnly means "do not ask the provider": a refresh is then never forced.
    const models = await this.models.list({ refresh: p.refresh === true && p.preparedOnly !== true });
    return { models: p.provider ? models.filter((m) => m.provider === p.provider) : models };
  }
}
