import { Type } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validateSync, ValidationError } from '../../../common/validation/class-validator';
import { compiledParams } from './compiled-params';
import { invalidRequest } from './rpc-error';

/**
 * Validates params against a DTO; unknown keys are refused so a typo in a
 * client surfaces as an error instead of being ignored.
 */
export function validateParams(dto: Type<object> | undefined, params: unknown): object {
  const raw = params === undefined || params === null ? {} : params;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw invalidRequest('invalid params: params must be a JSON object');
  }
  if (!dto) {
    const extra = Object.keys(raw)[0];
    if (extra !== undefined) throw invalidRequest(`invalid params: ${extra}: unknown field (this method takes no params)`);
    return {};
  }
  refuseOversizeArrays(dto, raw as Record<string, unknown>);
  const accepted = compiledParams(dto).accept(raw as Record<string, unknown>);
  if (accepted) return accepted;
  const instance = toInstance(dto, raw as Record<string, unknown>);
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) {
    throw invalidRequest(`invalid params: ${describeFirst(errors)}`, { details: { fields: fieldPaths(errors) } });
  }
  return instance;
}

const FORBIDDEN_KEYS = ['__proto__', 'constructor', 'prototype'];
const nestedPropsCache = new WeakMap<Type<object>, string[]>();
const arrayCapsCache = new WeakMap<Type<object>, Array<[string, number]>>();

/**
 * An array over its @ArrayMaxSize is refused before anything walks it:
 * class-transformer copies and class-validator checks every element first,
 * which for 30 000 declared commands costs 40-150 ms of blocked event loop.
 * Same message as class-validator's own.
 */
function refuseOversizeArrays(dto: Type<object>, raw: Record<string, unknown>): void {
  let caps = arrayCapsCache.get(dto);
  if (!caps) {
    const metadata = getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false);
    caps = metadata
      .filter((m) => m.name === 'arrayMaxSize' && typeof m.constraints?.[0] === 'number')
      .map((m): [string, number] => [m.propertyName, m.constraints[0] as number]);
    arrayCapsCache.set(dto, caps);
  }
  for (const [property, max] of caps) {
    const value = raw[property];
    if (Array.isArray(value) && value.length > max) {
      throw invalidRequest(`invalid params: ${property}: must contain no more than ${max} elements`, {
        details: { fields: [property] },
      });
    }
  }
}

/**
 * class-transformer deep-copies every value, free-form JSON payloads
 * included, which costs more than validating on the hot invoke path. Only a
 * nested DTO needs its transform (to become an instance class-validator can
 * walk); flat params are validated on a shallow instance instead.
 */
function toInstance(dto: Type<object>, raw: Record<string, unknown>): object {
  for (const key of FORBIDDEN_KEYS) {
    if (Object.prototype.hasOwnProperty.call(raw, key)) throw invalidRequest(`invalid params: ${key}: unknown field`);
  }
  const nested = nestedProperties(dto);
  if (nested.some((key) => raw[key] !== undefined)) return plainToInstance(dto, raw);
  return Object.assign(Object.create(dto.prototype) as object, raw);
}

function nestedProperties(dto: Type<object>): string[] {
  let props = nestedPropsCache.get(dto);
  if (!props) {
    const metadata = getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false);
    props = [...new Set(metadata.filter((m) => m.type === 'nestedValidation').map((m) => m.propertyName))];
    nestedPropsCache.set(dto, props);
  }
  return props;
}

function describeFirst(errors: ValidationError[], parent = ''): string {
  const error = errors[0];
  const path = parent ? `${parent}.${error.property}` : error.property;
  if (error.constraints?.whitelistValidation) return `${path}: unknown field`;
  if (error.constraints) return `${path}: ${Object.values(error.constraints)[0].replace(/^\S+ /, '')}`;
  return describeFirst(error.children ?? [], path);
}

function fieldPaths(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((error) => {
    const path = parent ? `${parent}.${error.property}` : error.property;
    return error.children?.length ? fieldPaths(error.children, path) : [path];
  });
}
