import { applyDecorators, Injectable, SetMetadata, Type } from '@nestjs/common';
import type { OperatorScope, Role } from '../../../common/protocol';

export const RPC_HANDLERS_KEY = 'nestclaw:rpc-handlers';
export const RPC_METHOD_KEY = 'nestclaw:rpc-method';

export interface RpcMethodOptions {
  /** Who may call it; operators unless said otherwise. */
  role?: Role;
  /** Required for operator methods; null only for node methods, which have no scopes. */
  scope: OperatorScope | null;
  /** class-validator DTO for params; methods without params validate `{}` strictly. */
  params?: Type<object>;
}

export interface RpcMethodMetadata extends Required<Omit<RpcMethodOptions, 'params'>> {
  name: string;
  params?: Type<object>;
}

/** Marks a provider whose methods carry @RpcMethod, so the registry finds it at start-up. */
export const RpcHandlers = () => applyDecorators(Injectable(), SetMetadata(RPC_HANDLERS_KEY, true));

export function RpcMethod(name: string, options: RpcMethodOptions): MethodDecorator {
  const metadata: RpcMethodMetadata = {
    name,
    role: options.role ?? 'operator',
    scope: options.scope,
    params: options.params,
  };
  return SetMetadata(RPC_METHOD_KEY, metadata);
}
