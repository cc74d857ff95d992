import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validateSync, ValidationError } from '../validation/class-validator';
import { ConfigFile } from './config.schema';

/** Validates a parsed config object; returns the typed value or one line per problem. */
export function validateConfigObject(raw: unknown): { value?: ConfigFile; problems: string[] } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { problems: ['the file must contain one object, e.g. { gateway: { port: 18789 } }'] };
  }
  // Checked before class-transformer sees the object: it copies keys onto class instances, where
  // `__proto__` or `constructor` would reach the prototype instead of failing as unknown keys.
  const reserved = reservedKeyProblems(raw);
  if (reserved.length > 0) return { problems: reserved };
  const instance = plainToInstance(ConfigFile, raw, { enableImplicitConversion: false });
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length === 0) return { value: instance, problems: [] };
  return { problems: errors.flatMap((error) => describeError(error, '', ConfigFile)) };
}

function describeError(
  error: ValidationError,
  parentPath: string,
  parentClass: abstract new (...args: never[]) => unknown,
): string[] {
  const path = parentPath ? `${parentPath}.${error.property}` : error.property;
  const lines: string[] = [];
  const constraints = error.constraints ?? {};
  if (constraints.whitelistValidation) {
    lines.push(`${path}: unknown key (allowed here: ${allowedKeys(parentClass).join(', ')})`);
  } else if (Object.keys(constraints).length > 0) {
    const expected = Object.values(constraints).map(stripPropertyName).join('; ');
    lines.push(`${path}: ${expected} (got ${describeValue(path, error.value)})`);
  }
  const childClass = error.value?.constructor ?? Object;
  for (const child of error.children ?? []) {
    lines.push(...describeError(child, path, childClass));
  }
  return lines;
}

function allowedKeys(target: abstract new (...args: never[]) => unknown): string[] {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(target, '', true, false);
  return [...new Set(metadata.map((m) => m.propertyName))].sort();
}

/** class-validator says "port must be ..." or "nested property auth must be ..."; the path already names the key. */
function stripPropertyName(message: string): string {
  return message.replace(/^(nested property )?\S+ /, '');
}

/** Secret-like keys, and whole sections that hold secrets (a string given for `auth` may be the token). */
const SECRET_PATH = /token|password|secret|apikey|(^|\.)(auth|remote)(\.|$)/i;

function describeValue(path: string, value: unknown): string {
  if (value === undefined) return 'nothing';
  if (SECRET_PATH.test(path)) return `a ${Array.isArray(value) ? 'list' : typeof value}, value hidden`;
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Names that every object already has: as config keys they would shadow or replace built-ins. */
const RESERVED_KEYS = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);
/** Far deeper than any real config; it keeps the walk bounded on hostile input. */
const MAX_CONFIG_DEPTH = 32;

function reservedKeyProblems(raw: object): string[] {
  const problems: string[] = [];
  const walk = (value: unknown, path: string, depth: number): void => {
    if (typeof value !== 'object' || value === null) return;
    if (depth > MAX_CONFIG_DEPTH) {
      problems.push(`${path}: nested deeper than ${MAX_CONFIG_DEPTH} levels; no config key is that deep`);
      return;
    }
    for (const key of Object.keys(value)) {
      const keyPath = Array.isArray(value) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
      if (!Array.isArray(value) && RESERVED_KEYS.has(key)) {
        problems.push(
          `${keyPath}: "${key}" is a reserved name (a built-in property of every object), not a config key; remove it`,
        );
        continue;
      }
      walk((value as Record<string, unknown>)[key], keyPath, depth + 1);
    }
  };
  walk(raw, '', 0);
  return problems;
}
