import { Type } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
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
  const instance = plainToInstance(dto, raw);
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) {
    throw invalidRequest(`invalid params: ${describeFirst(errors)}`, { details: { fields: fieldPaths(errors) } });
  }
  return instance;
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
