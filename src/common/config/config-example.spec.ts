import * as fs from 'node:fs';
import * as path from 'node:path';
import JSON5 from 'json5';
import { configJsonSchema, JsonSchema } from './config-json-schema';
import { loadConfig, parseConfigText } from './load-config';

const EXAMPLE_PATH = path.resolve(__dirname, '..', '..', '..', 'config', 'nestclaw.example.json5');
const example = fs.readFileSync(EXAMPLE_PATH, 'utf8');

/**
 * A commented-out setting is a line `// key: value,` (a lowerCamel key, a
 * trailing comma, maybe a `//` note after it), e.g. `// token: '…',`; prose
 * never has that shape, so removing the `// ` of exactly these lines turns on
 * every optional setting.
 */
const COMMENTED_SETTING = /^(\s*)\/\/ (?=[a-z][A-Za-z0-9]*: [^\n]*,[ \t]*(?:\/\/[^\n]*)?$)/gm;

function withEverySettingOn(text: string): string {
  return text.replace(COMMENTED_SETTING, '$1');
}

/** Dotted paths of the leaves (non-object values) of a parsed config. */
function keyPaths(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [prefix];
  return Object.entries(value).flatMap(([key, child]) => keyPaths(child, prefix ? `${prefix}.${key}` : key));
}

/** Dotted paths of the schema's leaf keys (a section with properties is not a leaf). */
function schemaKeyPaths(schema: JsonSchema, prefix = ''): string[] {
  if (!schema.properties) return [prefix];
  return Object.entries(schema.properties).flatMap(([key, child]) => schemaKeyPaths(child, prefix ? `${prefix}.${key}` : key));
}

/** The effective settings, minus where they came from and empty sections (an empty `remote: {}` sets nothing). */
function effective(readFile: (file: string) => string | undefined): unknown {
  const config = loadConfig({ env: { NESTCLAW_STATE_DIR: '/state' }, homeDir: '/home/user', readFile });
  const { portSource: _portSource, ...gateway } = config.gateway;
  const settings = { gateway, channels: config.channels, agent: config.agent, tools: config.tools };
  return JSON.parse(JSON.stringify(settings, (_key, value: unknown) => (isEmptyObject(value) ? undefined : value)));
}

function isEmptyObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0;
}

describe('config/nestclaw.example.json5', () => {
  it('is a valid config file as it ships', () => {
    expect(() => parseConfigText(example, EXAMPLE_PATH)).not.toThrow();
  });

  it('sets only defaults: as it ships it behaves like no file at all', () => {
    expect(effective(() => example)).toEqual(effective(() => undefined));
  });

  it('with every commented-out setting turned on, is still valid (each example value has the right type)', () => {
    const everything = withEverySettingOn(example);
    expect(everything).not.toBe(example);
    expect(() => parseConfigText(everything, EXAMPLE_PATH)).not.toThrow();
  });

  it('lists every key of the config schema, and no key the schema lacks', () => {
    const listed = keyPaths(JSON5.parse(withEverySettingOn(example))).sort();
    const known = schemaKeyPaths(configJsonSchema()).sort();
    expect(listed.filter((key) => !known.includes(key))).toEqual([]);
    expect(known.filter((key) => !listed.includes(key))).toEqual([]);
  });

  it('marks nothing as planned: every key it lists works', () => {
    expect(example).not.toMatch(/planned|not implemented|no effect/i);
  });
});
