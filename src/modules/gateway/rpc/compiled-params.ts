import { Type } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import {
  getMetadataStorage,
  MetadataStorage,
  ValidationArguments,
  ValidationTypes,
} from '../../../common/validation/class-validator';
import { BUILT_IN_TESTS } from './built-in-tests';

type ValidationMetadata = ReturnType<MetadataStorage['getTargetValidationMetadatas']>[number];

/**
 * A check compiled once per DTO from its class-validator metadata. It
 * answers only "valid for certain" or "ask class-validator": a valid frame
 * (nearly every frame) skips class-transformer's copy and the validator's
 * error bookkeeping, while anything doubtful still goes through
 * validateSync, so every error message stays class-validator's own. The
 * DTO stays the only declaration of a method's params.
 */
export interface CompiledParams {
  /** An instance of the DTO (nested DTOs as instances too) when the params are valid for certain; otherwise undefined. */
  accept(raw: Record<string, unknown>): object | undefined;
}

interface Check {
  run(object: object, value: unknown): boolean;
}

interface PropertyPlan {
  name: string;
  /** Each must hold, or the property is not validated at all (IsOptional, ValidateIf). */
  conditions: Array<(object: object, value: unknown) => boolean>;
  checks: Check[];
  /** The nested DTO of a @ValidateNested() property holding one object. */
  nested?: ClassPlan;
}

interface ClassPlan {
  dto: Type<object>;
  allowed: Set<string>;
  properties: PropertyPlan[];
}

/** Metadata the compiled check does not mirror; a DTO using any is left to class-validator alone. */
class NotCompilable extends Error {}

const NEVER: CompiledParams = { accept: () => undefined };
const compiled = new WeakMap<Type<object>, CompiledParams>();

export function compiledParams(dto: Type<object>): CompiledParams {
  let found = compiled.get(dto);
  if (!found) {
    found = compile(dto);
    compiled.set(dto, found);
  }
  return found;
}

function compile(dto: Type<object>): CompiledParams {
  try {
    const plan = planFor(dto, new Set());
    return { accept: (raw) => build(plan, raw) };
  } catch (error) {
    if (error instanceof NotCompilable) return NEVER;
    throw error;
  }
}

/** Options as validateParams passes them: no groups, so `always` is false and strictGroups off. */
function planFor(dto: Type<object>, seen: Set<Type<object>>): ClassPlan {
  if (seen.has(dto)) throw new NotCompilable('recursive DTO');
  const storage = getMetadataStorage();
  const metadatas = storage.getTargetValidationMetadatas(dto, '', false, false);
  if (metadatas.length === 0) throw new NotCompilable('no metadata');
  const grouped = storage.groupByPropertyName(metadatas);
  const properties = Object.entries(grouped).map(([name, list]) => planProperty(dto, name, list, new Set([...seen, dto])));
  return { dto, allowed: new Set(Object.keys(grouped)), properties };
}

function planProperty(dto: Type<object>, name: string, list: ValidationMetadata[], seen: Set<Type<object>>): PropertyPlan {
  const plan: PropertyPlan = { name, conditions: [], checks: [] };
  for (const metadata of list) {
    if ((metadata.groups?.length ?? 0) > 0 || metadata.always !== undefined) throw new NotCompilable('groups');
    switch (metadata.type) {
      case ValidationTypes.WHITELIST:
        break;
      case ValidationTypes.CONDITIONAL_VALIDATION:
        plan.conditions.push(metadata.constraints[0] as (object: object, value: unknown) => boolean);
        break;
      case ValidationTypes.CUSTOM_VALIDATION:
      case ValidationTypes.IS_DEFINED:
        plan.checks.push(...customChecks(metadata));
        break;
      case ValidationTypes.NESTED_VALIDATION:
        if (plan.nested) throw new NotCompilable('two nested validations');
        plan.nested = planFor(nestedClassOf(dto, name), seen);
        break;
      default:
        throw new NotCompilable(`metadata type ${metadata.type}`);
    }
  }
  return plan;
}

function customChecks(metadata: ValidationMetadata): Check[] {
  const validateIf = (metadata as ValidationMetadata & { validateIf?: (object: object, value: unknown) => boolean }).validateIf;
  const constraints = (metadata.constraints ?? []) as readonly unknown[];
  const each = metadata.each === true;
  const builtIn =
    metadata.name !== undefined && Object.hasOwn(BUILT_IN_TESTS, metadata.name) ? BUILT_IN_TESTS[metadata.name] : undefined;
  return getMetadataStorage()
    .getTargetValidatorConstraints(metadata.constraintCls)
    .map((constraint) => {
      if (constraint.async) throw new NotCompilable('async constraint');
      const validate: (value: unknown, object: object) => boolean = builtIn
        ? (value) => builtIn(value, constraints)
        : (value, object) => {
            const args: ValidationArguments = {
              targetName: object.constructor.name,
              property: metadata.propertyName,
              object,
              value,
              constraints: metadata.constraints as unknown[],
            };
            const result: unknown = constraint.instance.validate(value, args);
            if (result instanceof Promise) throw new NotCompilable('async result');
            return result === true;
          };
      return {
        run: (object: object, value: unknown) => {
          if (validateIf && !validateIf(object, value)) return true;
          // JSON has no Set or Map, so `each` only ever meets arrays.
          if (each && Array.isArray(value)) return value.every((item) => validate(item, object));
          return validate(value, object);
        },
      };
    });
}

/** The class @Type names for a nested property, found through class-transformer itself. */
function nestedClassOf(dto: Type<object>, name: string): Type<object> {
  const probe = plainToInstance(dto, { [name]: {} }) as Record<string, unknown>;
  const nested = probe[name];
  const ctor = typeof nested === 'object' && nested !== null ? (nested.constructor as Type<object>) : undefined;
  if (!ctor || ctor === Object) throw new NotCompilable('nested property without @Type');
  return ctor;
}

/**
 * Mirrors class-validator's execute() with whitelist and forbidNonWhitelisted:
 * the DTO instance (nested DTOs as instances) when every check holds,
 * otherwise undefined. The instance is the one the checks saw, so each
 * accepted frame is copied once, shallowly.
 */
function build(plan: ClassPlan, raw: Record<string, unknown>): object | undefined {
  for (const key of Object.keys(raw)) if (!plan.allowed.has(key)) return undefined;
  const object = Object.assign(Object.create(plan.dto.prototype) as object, raw) as Record<string, unknown>;
  let nestedInstances: Array<[string, object]> | undefined;
  try {
    for (const property of plan.properties) {
      const value = raw[property.name];
      if (!property.conditions.every((condition) => condition(object, value))) continue;
      for (const check of property.checks) if (!check.run(object, value)) return undefined;
      if (!property.nested || value === undefined) continue;
      // An array or a non-object under @ValidateNested takes class-validator's own path.
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
      const nested = build(property.nested, value as Record<string, unknown>);
      if (!nested) return undefined;
      (nestedInstances ??= []).push([property.name, nested]);
    }
  } catch {
    // A validator that throws or answers asynchronously: class-validator decides, and reports it its way.
    return undefined;
  }
  // Set only now: every check above saw the frame's own values, as before the instance existed.
  if (nestedInstances) for (const [name, nested] of nestedInstances) object[name] = nested;
  return object;
}
