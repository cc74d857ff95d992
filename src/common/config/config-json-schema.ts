import 'reflect-metadata';
import { getMetadataStorage } from '../validation/class-validator';
import { CONFIG_DESCRIPTIONS } from './config-descriptions';
import { ConfigFile, MAX_TELEGRAM_APPROVERS } from './config.schema';
import { SECRET_KEY_NAME } from './config-secrets';

type ValidationMetadata = ReturnType<ReturnType<typeof getMetadataStorage>['getTargetValidationMetadatas']>[number];

export interface JsonSchema {
  type?: string | string[];
  description?: string;
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean;
  items?: JsonSchema;
  maxItems?: number;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  pattern?: string;
  format?: string;
  /** Ours: the value is a secret (redacted by config.get). */
  'x-secret'?: true;
  $schema?: string;
  title?: string;
}

/**
 * JSON Schema (draft 2020-12) of the config file, read from the same
 * class-validator decorators loadConfig validates with, so the two cannot
 * drift. Only the decorators the schema uses are translated; an unknown one
 * leaves its key typed loosely rather than wrongly.
 */
export function configJsonSchema(): JsonSchema {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'nestclaw config file',
    ...objectSchema(ConfigFile, ''),
  };
}

/** A class of the config schema (or a property's design type), as class-validator's metadata knows it. */
type ConfigClass = abstract new (...args: never[]) => unknown;

function objectSchema(target: ConfigClass, parentPath: string): JsonSchema {
  const storage = getMetadataStorage();
  const byProperty = new Map<string, ValidationMetadata[]>();
  for (const meta of storage.getTargetValidationMetadatas(target, '', true, false)) {
    byProperty.set(meta.propertyName, [...(byProperty.get(meta.propertyName) ?? []), meta]);
  }
  const properties: Record<string, JsonSchema> = {};
  for (const [name, metas] of [...byProperty].sort(([a], [b]) => a.localeCompare(b))) {
    const path = parentPath ? `${parentPath}.${name}` : name;
    properties[name] = propertySchema(target, name, metas, path);
  }
  return { type: 'object', properties, additionalProperties: false };
}

function propertySchema(target: ConfigClass, name: string, metas: ValidationMetadata[], path: string): JsonSchema {
  // A nested section's class is the property's declared type, which decorator metadata records.
  const nested = metas.some((m) => m.type === 'nestedValidation')
    ? (Reflect.getMetadata('design:type', target.prototype, name) as ConfigClass | undefined)
    : undefined;
  const schema: JsonSchema = nested && nested !== Object ? objectSchema(nested, path) : {};
  const itemSchema: JsonSchema = {};
  for (const meta of metas) {
    const into = meta.each ? itemSchema : schema;
    applyConstraint(into, meta);
    if (meta.each) schema.type = 'array';
  }
  if (schema.type === 'array') schema.items = { ...itemSchema, ...schema.items };
  const description = CONFIG_DESCRIPTIONS[path];
  if (description) schema.description = description;
  if (SECRET_KEY_NAME.test(name)) schema['x-secret'] = true;
  return schema;
}

function applyConstraint(schema: JsonSchema, meta: ValidationMetadata): void {
  const [first, second] = meta.constraints ?? [];
  switch (meta.name) {
    case 'isBoolean':
      schema.type = 'boolean';
      break;
    case 'isString':
      schema.type = 'string';
      break;
    case 'isInt':
      schema.type = 'integer';
      break;
    case 'isObject':
      schema.type = 'object';
      break;
    case 'isArray':
      schema.type = 'array';
      break;
    case 'isIn':
      schema.enum = [...(first as unknown[])];
      break;
    case 'min':
      schema.minimum = first as number;
      break;
    case 'max':
      schema.maximum = first as number;
      break;
    case 'minLength':
      schema.minLength = first as number;
      break;
    case 'matches':
      schema.pattern = first instanceof RegExp ? first.source : String(first);
      if (typeof second === 'string' && second) schema.pattern = `(?${second})${schema.pattern}`;
      break;
    case 'isIp':
      schema.type = 'string';
      schema.format = 'ip';
      break;
    case 'isTelegramIdList':
      schema.type = 'array';
      schema.items = { type: ['integer', 'string'], pattern: '^-?\\d+$' };
      break;
    case 'isTelegramUserIdList':
      schema.type = 'array';
      schema.maxItems = MAX_TELEGRAM_APPROVERS;
      schema.items = { type: ['integer', 'string'], pattern: '^[1-9]\\d{0,19}$' };
      break;
    default:
      break;
  }
}
