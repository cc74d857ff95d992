import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validateSync, ValidationError } from 'class-validator';
import { ConfigFile } from './config.schema';

/** Validates a parsed config object; returns the typed value or one line per problem. */
export function validateConfigObject(raw: unknown): { value?: ConfigFile; problems: string[] } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { problems: ['the file must contain one object, e.g. { gateway: { port: 18789 } }'] };
  }
  const instance = plainToInstance(ConfigFile, raw, { enableImplicitConversion: false });
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length === 0) return { value: instance, problems: [] };
  return { problems: errors.flatMap((error) => describeError(error, '', ConfigFile)) };
}

function describeError(error: ValidationError, parentPath: string, parentClass: Function): string[] {
  const path = parentPath ? `${parentPath}.${error.property}` : error.property;
  const lines: string[] = [];
  const constraints = error.constraints ?? {};
  if (constraints.whitelistValidation) {
    lines.push(`${path}: unknown key (allowed here: ${allowedKeys(parentClass).join(', ')})`);
  } else if (Object.keys(constraints).length > 0) {
    const expected = Object.values(constraints).map(stripPropertyName).join('; ');
    lines.push(`${path}: ${expected} (got ${describeValue(error.property, error.value)})`);
  }
  const childClass = error.value?.constructor ?? Object;
  for (const child of error.children ?? []) {
    lines.push(...describeError(child, path, childClass));
  }
  return lines;
}

function allowedKeys(target: Function): string[] {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(target, '', true, false);
  return [...new Set(metadata.map((m) => m.propertyName))].sort();
}

/** class-validator says "port must be ..."; the path already names the key. */
function stripPropertyName(message: string): string {
  return message.replace(/^\S+ /, '');
}

const SECRET_KEY = /token|password|secret|apikey/i;

function describeValue(key: string, value: unknown): string {
  if (value === undefined) return 'nothing';
  if (SECRET_KEY.test(key)) return `a ${typeof value}, value hidden`;
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
