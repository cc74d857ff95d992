import { RpcHandlers, RpcMethod } from '../gateway/rpc/rpc.decorators';
import { ConfigErrors } from './config.errors';
import { ConfigService } from './config.service';
import { ApplyConfigParams } from './dto/apply-config.params';
import { PatchConfigParams } from './dto/patch-config.params';
import { SetConfigParams } from './dto/set-config.params';

/** The config over the wire; all of it is operator.admin: it names the host's files and changes who may talk to the agent. */
@RpcHandlers()
export class ConfigRpc {
  constructor(private readonly config: ConfigService) {}

  @RpcMethod('config.get', { scope: 'operator.admin' })
  get() {
    return this.config.get();
  }

  @RpcMethod('config.schema', { scope: 'operator.admin' })
  schema() {
    return this.config.schema();
  }

  @RpcMethod('config.set', { scope: 'operator.admin', params: SetConfigParams })
  set(p: SetConfigParams) {
    return this.config.set(p.raw, { baseHash: p.baseHash, restart: p.restart });
  }

  @RpcMethod('config.patch', { scope: 'operator.admin', params: PatchConfigParams })
  patch(p: PatchConfigParams) {
    if ((p.patch === undefined) === (p.raw === undefined)) throw ConfigErrors.patchOrRaw();
    if (p.replacePaths && p.replacePaths.length > 0) throw ConfigErrors.replacePathsUnsupported();
    const patch = p.patch ?? this.config.parsePatchText(p.raw!);
    return this.config.patch(patch, { baseHash: p.baseHash, restart: p.restart, restartDelayMs: p.restartDelayMs });
  }

  @RpcMethod('config.apply', { scope: 'operator.admin', params: ApplyConfigParams })
  apply(p: ApplyConfigParams) {
    return this.config.set(p.raw, { baseHash: p.baseHash, restart: true, restartDelayMs: p.restartDelayMs });
  }
}
