import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { IGNORED_REFERENCE_PARAMS } from './reference-params';
import { RpcHandlers, RpcMethod } from './rpc.decorators';
import { RpcRegistry } from './rpc-registry';

function registryFor(...instances: object[]): RpcRegistry {
  const discovery = {
    getProviders: () =>
      instances.map((instance) => ({ instance, metatype: instance.constructor, name: instance.constructor.name })),
  } as unknown as DiscoveryService;
  return new RpcRegistry(discovery, new MetadataScanner(), new Reflector());
}

describe(RpcRegistry.name, () => {
  describe('onModuleInit', () => {
    it('maps wire names to bound handlers with their role and scope', () => {
      @RpcHandlers()
      class Handlers {
        readonly greeting = 'hi';
        @RpcMethod('demo.read', { scope: 'operator.read' })
        read() {
          return this.greeting;
        }
        @RpcMethod('demo.result', { role: 'node', scope: null })
        result() {
          return 'ok';
        }
      }
      const registry = registryFor(new Handlers());
      registry.onModuleInit();
      expect(registry.names()).toEqual(['demo.read', 'demo.result']);
      expect(registry.get('demo.read')).toMatchObject({ role: 'operator', scope: 'operator.read' });
      expect(registry.get('demo.read')!.invoke({}, {} as never)).toBe('hi');
      expect(registry.get('demo.result')).toMatchObject({ role: 'node', scope: null });
    });

    it('looks up once, at registration, the reference fields a method ignores', () => {
      @RpcHandlers()
      class Handlers {
        @RpcMethod('status', { scope: 'operator.read' })
        status() {
          return undefined as never;
        }
        @RpcMethod('demo.plain', { scope: 'operator.read' })
        plain() {}
      }
      const registry = registryFor(new Handlers());
      registry.onModuleInit();
      expect(registry.get('status')!.ignoredParams).toEqual(new Set(IGNORED_REFERENCE_PARAMS.status));
      expect(registry.get('demo.plain')!.ignoredParams).toBeUndefined();
    });

    it('ignores providers that are not marked with @RpcHandlers', () => {
      class Plain {
        @RpcMethod('hidden', { scope: 'operator.read' })
        hidden() {
          return 1;
        }
      }
      const registry = registryFor(new Plain());
      registry.onModuleInit();
      expect(registry.names()).toEqual([]);
    });

    it('refuses to boot on a duplicate wire name', () => {
      @RpcHandlers()
      class A {
        @RpcMethod('same', { scope: 'operator.read' })
        one() {}
      }
      @RpcHandlers()
      class B {
        @RpcMethod('same', { scope: 'operator.write' })
        two() {}
      }
      expect(() => registryFor(new A(), new B()).onModuleInit()).toThrow('"same" is declared twice');
    });

    it('refuses an operator method without a scope', () => {
      @RpcHandlers()
      class NoScope {
        @RpcMethod('open.door', { scope: null })
        open() {}
      }
      expect(() => registryFor(new NoScope()).onModuleInit()).toThrow('must declare the operator scope');
    });

    it('refuses a node method that claims an operator scope', () => {
      @RpcHandlers()
      class NodeWithScope {
        @RpcMethod('node.thing', { role: 'node', scope: 'operator.admin' })
        thing() {}
      }
      expect(() => registryFor(new NodeWithScope()).onModuleInit()).toThrow('nodes, which have no scopes');
    });
  });
});
