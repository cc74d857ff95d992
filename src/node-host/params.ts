import { InvokeErrors } from './invoke-errors';
import { MAX_ENV_NAME_LENGTH, MAX_ENV_VALUE_LENGTH, MAX_ENV_VARIABLES } from '../common/exec/env-policy';

export { MAX_ENV_NAME_LENGTH, MAX_ENV_VALUE_LENGTH, MAX_ENV_VARIABLES };

/**
 * Small readers for command params. Each failure is INVALID_PARAMS with a
 * message that names the field and says what it must be.
 */
export type Params = Record<string, unknown>;

export function paramsObject(value: unknown): Params {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw InvokeErrors.invalidParams('params must be a JSON object');
  return value as Params;
}

/** Refuses keys a command does not know, so a typo ("cmd") is not silently ignored. */
export function onlyKeys(params: Params, allowed: readonly string[]): void {
  const unknown = Object.keys(params).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) {
    throw InvokeErrors.invalidParams(
      `unknown param ${unknown.map((key) => JSON.stringify(key)).join(', ')} (accepted: ${allowed.join(', ')})`,
    );
  }
}

export function stringArray(params: Params, field: string, options: { nonEmpty?: boolean; max: number; what: string }): string[] {
  const value = params[field];
  const fail = () => {
    throw InvokeErrors.invalidParams(
      `${field} must be ${options.nonEmpty ? 'a non-empty' : 'an'} array of strings (${options.what})`,
    );
  };
  if (!Array.isArray(value) || (options.nonEmpty && value.length === 0)) fail();
  const items = value as unknown[];
  items.forEach((item, index) => {
    if (typeof item !== 'string') throw InvokeErrors.invalidParams(`${field}[${index}] must be a string`);
    if (item.includes('\0')) throw InvokeErrors.invalidParams(`${field}[${index}] must not contain a NUL byte`);
  });
  if (items.length > options.max)
    throw InvokeErrors.invalidParams(`${field} has ${items.length} items; at most ${options.max} are accepted`);
  return items as string[];
}

export function optionalString(params: Params, field: string, options: { maxLength: number }): string | undefined {
  const value = params[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw InvokeErrors.invalidParams(`${field} must be a string`);
  if (value.includes('\0')) throw InvokeErrors.invalidParams(`${field} must not contain a NUL byte`);
  if (value.length > options.maxLength)
    throw InvokeErrors.invalidParams(`${field} is longer than ${options.maxLength} characters`);
  return value;
}

export function optionalPositiveInt(params: Params, field: string): number | undefined {
  const value = params[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw InvokeErrors.invalidParams(`${field} must be a positive whole number of milliseconds`);
  }
  return value;
}

/** An object of string values whose keys are usable as environment variable names. */
export function optionalEnv(params: Params, field: string): Record<string, string> | undefined {
  const value = params[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw InvokeErrors.invalidParams(`${field} must be an object of string values`);
  }
  const entries = Object.entries(value);
  if (entries.length > MAX_ENV_VARIABLES)
    throw InvokeErrors.invalidParams(`${field} has ${entries.length} variables; at most ${MAX_ENV_VARIABLES} are accepted`);
  const env: Record<string, string> = {};
  for (const [key, item] of entries) {
    if (key.length > MAX_ENV_NAME_LENGTH)
      throw InvokeErrors.invalidParams(`${field} has a variable name longer than ${MAX_ENV_NAME_LENGTH} characters`);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
      throw InvokeErrors.invalidParams(
        `${field} key ${JSON.stringify(key)} is not a valid variable name (letters, digits, _; not starting with a digit)`,
      );
    }
    if (typeof item !== 'string') throw InvokeErrors.invalidParams(`${field}.${key} must be a string`);
    if (item.includes('\0')) throw InvokeErrors.invalidParams(`${field}.${key} must not contain a NUL byte`);
    if (item.length > MAX_ENV_VALUE_LENGTH)
      throw InvokeErrors.invalidParams(`${field}.${key} is longer than ${MAX_ENV_VALUE_LENGTH} characters`);
    env[key] = item;
  }
  return env;
}
