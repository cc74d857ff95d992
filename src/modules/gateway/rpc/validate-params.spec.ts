import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MinLength,
  ValidateNested,
} from '../../../common/validation/class-validator';
import { ErrorCode } from '../../../common/protocol';
import { RpcError } from './rpc-error';
import { validateParams } from './validate-params';

class TargetParams {
  @IsString() @MinLength(1) nodeId: string;
  @IsOptional() @IsInt() @Max(10) attempts?: number;
}

class InvokeParams {
  @IsString() command: string;
  @ValidateNested() @Type(() => TargetParams) target: TargetParams;
}

class ListParams {
  @IsArray() @ArrayMaxSize(3) @IsString({ each: true }) names: string[];
}

function rpcError(act: () => unknown): RpcError {
  try {
    act();
  } catch (error) {
    if (error instanceof RpcError) return error;
    throw error;
  }
  throw new Error('expected validateParams to throw an RpcError');
}

describe(validateParams.name, () => {
  describe('array caps', () => {
    it('refuses an array over its @ArrayMaxSize without reading a single element', () => {
      // Arrange: a proxy counts element reads, the cost the cap exists to avoid.
      let reads = 0;
      const names = new Proxy(['a', 'b', 'c', 'd'], {
        get(target, property, receiver) {
          if (typeof property === 'string' && /^\d+$/.test(property)) reads++;
          return Reflect.get(target, property, receiver) as unknown;
        },
      });

      // Act
      const error = rpcError(() => validateParams(ListParams, { names }));

      // Assert
      expect(error.message).toBe('invalid params: names: must contain no more than 3 elements');
      expect(error.options.details).toEqual({ fields: ['names'] });
      expect(reads).toBe(0);
    });

    it('accepts an array at its cap', () => {
      expect(validateParams(ListParams, { names: ['a', 'b', 'c'] })).toMatchObject({ names: ['a', 'b', 'c'] });
    });
  });

  describe('without a DTO', () => {
    it.each([[undefined], [null], [{}]])('returns an empty object for %p', (params) => {
      expect(validateParams(undefined, params)).toEqual({});
    });

    it('refuses an extra key with INVALID_REQUEST naming the key', () => {
      // Act
      const error = rpcError(() => validateParams(undefined, { verbose: true }));

      // Assert
      expect(error.code).toBe(ErrorCode.InvalidRequest);
      expect(error.message).toBe('invalid params: verbose: unknown field (this method takes no params)');
    });
  });

  describe('params that are not an object', () => {
    it.each<[string, unknown]>([
      ['a string', 'health'],
      ['a number', 42],
      ['a boolean', true],
      ['an array', [{ nodeId: 'n' }]],
      ['an empty array', []],
    ])('refuses %s with or without a DTO', (_name, params) => {
      // Act
      const withoutDto = rpcError(() => validateParams(undefined, params));
      const withDto = rpcError(() => validateParams(InvokeParams, params));

      // Assert
      for (const error of [withoutDto, withDto]) {
        expect(error.code).toBe(ErrorCode.InvalidRequest);
        expect(error.message).toBe('invalid params: params must be a JSON object');
      }
    });
  });

  describe('with a DTO', () => {
    it.each(['__proto__', 'constructor', 'prototype'])(
      'refuses an own %s key instead of letting it reshape the instance',
      (key) => {
        // Arrange: JSON.parse makes __proto__ an own property, as a client frame would.
        const params = JSON.parse(`{"nodeId":"n1","${key}":{"polluted":true}}`);

        // Act
        const error = rpcError(() => validateParams(TargetParams, params));

        // Assert
        expect(error.message).toBe(`invalid params: ${key}: unknown field`);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      },
    );

    it('returns an instance of the DTO for flat params and for nested ones', () => {
      // Act
      const flat = validateParams(TargetParams, { nodeId: 'n1' });
      const nested = validateParams(InvokeParams, { command: 'x', target: { nodeId: 'n1' } }) as InvokeParams;

      // Assert
      expect(flat).toBeInstanceOf(TargetParams);
      expect(nested.target).toBeInstanceOf(TargetParams);
    });

    it('returns an instance of the DTO for valid params', () => {
      // Act
      const result = validateParams(InvokeParams, { command: 'system.run', target: { nodeId: 'n1', attempts: 3 } });

      // Assert
      expect(result).toBeInstanceOf(InvokeParams);
      expect((result as InvokeParams).target).toBeInstanceOf(TargetParams);
      expect(result).toEqual({ command: 'system.run', target: { nodeId: 'n1', attempts: 3 } });
    });

    it('names a wrong top-level field', () => {
      // Act
      const error = rpcError(() => validateParams(InvokeParams, { command: 7, target: { nodeId: 'n1' } }));

      // Assert
      expect(error.code).toBe(ErrorCode.InvalidRequest);
      expect(error.message).toBe('invalid params: command: must be a string');
      expect(error.options.details).toEqual({ fields: ['command'] });
    });

    it('names the full path of a nested field', () => {
      // Act
      const error = rpcError(() => validateParams(InvokeParams, { command: 'x', target: { nodeId: 'n1', attempts: 11 } }));

      // Assert
      expect(error.message).toBe('invalid params: target.attempts: must not be greater than 10');
      expect(error.options.details).toEqual({ fields: ['target.attempts'] });
    });

    it('names an unknown top-level field', () => {
      // Act
      const error = rpcError(() => validateParams(InvokeParams, { command: 'x', target: { nodeId: 'n' }, extra: 1 }));

      // Assert
      expect(error.message).toBe('invalid params: extra: unknown field');
      expect(error.options.details).toEqual({ fields: ['extra'] });
    });

    it('names an unknown nested field', () => {
      // Act
      const error = rpcError(() => validateParams(InvokeParams, { command: 'x', target: { nodeId: 'n', nodeID: 'n' } }));

      // Assert
      expect(error.message).toBe('invalid params: target.nodeID: unknown field');
    });

    it('lists every failing field in details but describes the first in the message', () => {
      // Act
      const error = rpcError(() => validateParams(InvokeParams, { command: 1, target: { nodeId: '' } }));

      // Assert
      expect(error.message).toBe('invalid params: command: must be a string');
      expect(error.options.details).toEqual({ fields: ['command', 'target.nodeId'] });
    });

    it('treats missing params as an empty object and reports the required fields', () => {
      // Act
      const error = rpcError(() => validateParams(TargetParams, undefined));

      // Assert
      expect(error.message).toMatch(/^invalid params: nodeId: /);
      expect(error.options.details).toEqual({ fields: ['nodeId'] });
    });

    it('does not convert types implicitly', () => {
      // Act
      const error = rpcError(() => validateParams(TargetParams, { nodeId: 'n', attempts: '3' }));

      // Assert
      expect(error.message).toMatch(/^invalid params: attempts: /);
      expect(error.options.details).toEqual({ fields: ['attempts'] });
    });
  });
});
