import { applyDecorators, Injectable, SetMetadata, Type } from '@nestjs/common';
import type { GatewayMethod, MethodReturn, OperatorScope, Role } from '../../../common/protocol';

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

/** A wire method's handler must return what `GatewayMethods` says the method answers. */
type HandlerReturn<M extends string> = M extends GatewayMethod ? MethodReturn<M> : unknown;

export type RpcMethodDecorator<M extends string> = (
  target: object,
  key: string | symbol,
  // Only `value` is checked: the full TypedPropertyDescriptor would also compare setters, which handlers never have.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- parameters are contravariant: any handler signature must fit
  descriptor: { value?: (...args: any[]) => HandlerReturn<M> },
) => void;

/**
 * Declares a wire method. For a name in `GatewayMethods` the compiler checks
 * the handler's return type against the declared result; other names (the
 * registry's own specs) are unchecked, and the meta-test in rpc-registry.spec
 * makes sure the gateway serves exactly the declared methods.
 */
export function RpcMethod<M extends string>(name: M, options: RpcMethodOptions): RpcMethodDecorator<M> {
  const metadata: RpcMethodMetadata = {
    name,
    role: options.role ?? 'operator',
    scope: options.scope,
    params: options.params,
  };
  return SetMetadata(RPC_METHOD_KEY, metadata);
}
