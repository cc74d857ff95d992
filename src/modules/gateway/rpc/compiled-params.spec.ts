import 'reflect-metadata';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Type } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validateSync } from '../../../common/validation/class-validator';
import fc from 'fast-check';
import { ConnectClientParams, ConnectParamsDto } from '../dto/connect.params';
import { compiledParams } from './compiled-params';

const MODULES = path.join(__dirname, '..', '..');

/** Every class with validation metadata exported from a module's dto/ folder: the wire params. */
async function wireDtos(): Promise<Array<Type<object>>> {
  const dtos = new Set<Type<object>>();
  for (const module of fs.readdirSync(MODULES)) {
    const dir = path.join(MODULES, module, 'dto');
    if (!fs.existsSync(dir)) continue;
    for (const file of fs.readdirSync(dir).filter((name) => name.endsWith('.ts') && !name.endsWith('.spec.ts'))) {
      const exported = (await import(path.join(dir, file))) as Record<string, unknown>;
      for (const value of Object.values(exported)) {
        if (typeof value !== 'function') continue;
        const dto = value as Type<object>;
        if (getMetadataStorage().getTargetValidationMetadatas(dto, '', false, false).length > 0) dtos.add(dto);
      }
    }
  }
  return [...dtos];
}

/** What class-validator says, the way validateParams asks it. */
function classValidatorAccepts(dto: Type<object>, raw: Record<string, unknown>): boolean {
  return validateSync(plainToInstance(dto, raw), { whitelist: true, forbidNonWhitelisted: true }).length === 0;
}

let DTOS: Array<Type<object>> = [];
let PROPERTY_NAMES: string[] = [];

/** Values near what the DTOs accept and just past it, keyed by the DTOs' own property names so whole objects pass often. */
function paramsArbitrary(): fc.Arbitrary<Record<string, unknown>> {
  const leaf = fc.oneof(
    fc.string({ maxLength: 8 }),
    fc.constantFrom('', 'operator', 'node', 'system.run', 'cli', 'linux', 'x'.repeat(300)),
    // Strings whose length validator.js counts differently from .length (a surrogate pair, a presentation selector).
    fc.constantFrom('\uD83D\uDE00\uFE0F', 'a\uFE0F', '\uD83D'.repeat(2), '\uD83D\uDE00'.repeat(130)),
    fc.integer({ min: -2, max: 5 }),
    fc.constantFrom(0.5, 1e12, Number.MAX_SAFE_INTEGER + 2),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 }),
    fc.array(fc.integer(), { maxLength: 2 }),
  );
  const key = fc.oneof(
    { weight: 9, arbitrary: fc.constantFrom(...PROPERTY_NAMES) },
    { weight: 1, arbitrary: fc.string({ maxLength: 4 }) },
  );
  const { value } = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('object')),
    object: fc.dictionary(key, tie('value'), { maxKeys: 6 }),
  }));
  return fc.dictionary(key, value, { maxKeys: 8 });
}

describe(compiledParams.name, () => {
  beforeAll(async () => {
    DTOS = await wireDtos();
    const metadatas = DTOS.flatMap((dto) => getMetadataStorage().getTargetValidationMetadatas(dto, '', false, false));
    PROPERTY_NAMES = [...new Set(metadatas.map((m) => m.propertyName))];
  });

  it('agrees with class-validator on every wire DTO: accepts exactly what it accepts', () => {
    expect(DTOS.length).toBeGreaterThan(20);
    fc.assert(
      fc.property(fc.nat({ max: DTOS.length - 1 }), paramsArbitrary(), (index, raw) => {
        const dto = DTOS[index];
        expect(compiledParams(dto).accept(raw) !== undefined).toBe(classValidatorAccepts(dto, raw));
      }),
      { numRuns: 1500 },
    );
  });

  it('accepts a valid connect and builds the DTO with its nested client as instances, not copies of the values', () => {
    // Arrange
    const permissions = { camera: true };
    const raw = {
      minProtocol: 3,
      maxProtocol: 4,
      client: { id: 'cli', version: '1', platform: 'linux', mode: 'cli' },
      auth: { token: 't' },
      scopes: ['operator.read'],
      permissions,
    };

    // Act
    const accepted = compiledParams(ConnectParamsDto).accept(raw) as ConnectParamsDto | undefined;

    // Assert
    expect(classValidatorAccepts(ConnectParamsDto, raw)).toBe(true);
    expect(accepted).toBeInstanceOf(ConnectParamsDto);
    expect(accepted!.client).toBeInstanceOf(ConnectClientParams);
    expect(accepted).toMatchObject(raw);
    expect(accepted!.permissions).toBe(permissions);
  });

  it.each([
    ['an unknown nested field', { client: { id: 'cli', version: '1', platform: 'linux', mode: 'cli', extra: 1 } }],
    ['a nested array', { client: [{ id: 'cli', version: '1', platform: 'linux', mode: 'cli' }] }],
    ['a missing nested object', {}],
  ])('leaves %s to class-validator', (_name, extra) => {
    // Arrange
    const raw = { minProtocol: 3, maxProtocol: 3, ...extra };

    // Act
    const accepted = compiledParams(ConnectParamsDto).accept(raw);

    // Assert
    expect(accepted).toBeUndefined();
    expect(classValidatorAccepts(ConnectParamsDto, raw)).toBe(false);
  });

  it('leaves a nested __proto__ key to class-validator, so no prototype is ever assigned from the wire', () => {
    // Arrange
    const client = JSON.parse('{"id":"cli","version":"1","platform":"l","mode":"m","__proto__":{"polluted":1}}') as object;

    // Act
    const accepted = compiledParams(ConnectParamsDto).accept({ minProtocol: 3, maxProtocol: 3, client });

    // Assert
    expect(accepted).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
