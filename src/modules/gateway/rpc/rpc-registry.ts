import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { RPC_HANDLERS_KEY, RPC_METHOD_KEY, RpcMethodMetadata } from './rpc.decorators';
import type { RpcContext } from './rpc-context';
import { ignoredReferenceParams } from './reference-params';

export interface RpcMethodEntry extends RpcMethodMetadata {
  invoke(params: object, ctx: RpcContext): unknown;
  /** The reference-release fields this method drops before validation (reference-params.ts). */
  ignoredParams?: ReadonlySet<string>;
}

/** The wire-name → handler map, built once from every @RpcHandlers provider. */
@Injectable()
export class RpcRegistry implements OnModuleInit {
  private readonly methods = new Map<string, RpcMethodEntry>();
  private sortedNames?: string[];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || !wrapper.metatype || !this.reflector.get(RPC_HANDLERS_KEY, wrapper.metatype)) continue;
      const prototype = Object.getPrototypeOf(instance);
      for (const methodName of this.scanner.getAllMethodNames(prototype)) {
        const meta = this.reflector.get<RpcMethodMetadata | undefined>(RPC_METHOD_KEY, prototype[methodName]);
        if (meta) this.register(meta, (instance[methodName] as (...args: unknown[]) => unknown).bind(instance), wrapper.name);
      }
    }
  }

  get(name: string): RpcMethodEntry | undefined {
    return this.methods.get(name);
  }

  /** Sorted; every hello-ok lists them, so the list is kept until a method is registered. */
  names(): string[] {
    this.sortedNames ??= [...this.methods.keys()].sort();
    return [...this.sortedNames];
  }

  entries(): RpcMethodEntry[] {
    return [...this.methods.values()];
  }

  private register(meta: RpcMethodMetadata, invoke: RpcMethodEntry['invoke'], owner: string): void {
    if (this.methods.has(meta.name)) {
      throw new Error(`RPC method "${meta.name}" is declared twice (second time in ${owner})`);
    }
    if (meta.scope === undefined || (meta.role === 'operator' && meta.scope === null)) {
      throw new Error(`RPC method "${meta.name}" in ${owner} must declare the operator scope it needs`);
    }
    if (meta.role === 'node' && meta.scope !== null) {
      throw new Error(`RPC method "${meta.name}" in ${owner} is for nodes, which have no scopes: use scope: null`);
    }
    this.methods.set(meta.name, { ...meta, invoke, ignoredParams: ignoredReferenceParams(meta.name) });
    this.sortedNames = undefined;
  }
}
