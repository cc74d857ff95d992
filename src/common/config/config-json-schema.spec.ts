import { CONFIG_DESCRIPTIONS } from './config-descriptions';
import { configJsonSchema, JsonSchema } from './config-json-schema';

function leaves(schema: JsonSchema, path = ''): Array<[string, JsonSchema]> {
  return Object.entries(schema.properties ?? {}).flatMap(([key, child]) => {
    const childPath = path ? `${path}.${key}` : key;
    return [[childPath, child] as [string, JsonSchema], ...leaves(child, childPath)];
  });
}

describe('configJsonSchema', () => {
  const schema = configJsonSchema();

  it('translates the validator decorators', () => {
    const gateway = schema.properties!.gateway.properties!;
    expect(gateway.port).toMatchObject({ type: 'integer', minimum: 1, maximum: 65535 });
    expect(gateway.bind.enum).toEqual(['loopback', 'lan', 'tailnet', 'auto', 'custom']);
    expect(gateway.nodes.properties!.allowCommands).toMatchObject({ type: 'array', items: { type: 'string' } });
    const telegram = schema.properties!.channels.properties!.telegram;
    expect(telegram.additionalProperties).toBe(false);
    expect(telegram.properties!.dmPolicy.enum).toEqual(['pairing', 'allowlist', 'open', 'disabled']);
    expect(telegram.properties!.botToken).toMatchObject({ type: 'string', minLength: 1, 'x-secret': true });
    expect(telegram.properties!.apiRoot.pattern).toBe('^https?:\\/\\/');
  });

  it('describes every key, and every description names a real key', () => {
    const paths = leaves(schema).map(([path]) => path);
    expect(paths.filter((path) => !CONFIG_DESCRIPTIONS[path])).toEqual([]);
    expect(Object.keys(CONFIG_DESCRIPTIONS).filter((path) => !paths.includes(path))).toEqual([]);
  });
});
