import { ConfigFile, GatewayLimitsSection, GatewaySection } from './config.schema';
import JSON5 from 'json5';
import { validateConfigObject } from './validate-config';

const GATEWAY_KEYS =
  'allowedHosts, auth, bind, controlUi, customBindHost, limits, logging, mode, nodes, port, remote, tailscale, tls, trustedProxies';

describe(validateConfigObject.name, () => {
  describe('valid input', () => {
    it('returns a typed instance with no problems', () => {
      // Act
      const result = validateConfigObject({ gateway: { port: 9000, auth: { token: 'tok' }, limits: { maxPayload: 2048 } } });

      // Assert
      expect(result.problems).toEqual([]);
      expect(result.value).toBeInstanceOf(ConfigFile);
      expect(result.value?.gateway).toBeInstanceOf(GatewaySection);
      expect(result.value?.gateway?.limits).toBeInstanceOf(GatewayLimitsSection);
      expect(result.value?.gateway?.port).toBe(9000);
      expect(result.value?.gateway?.auth?.token).toBe('tok');
    });

    it('accepts an empty object', () => {
      expect(validateConfigObject({})).toEqual({ value: expect.any(ConfigFile), problems: [] });
    });
  });

  describe('non-object input', () => {
    it.each([[null], [[]], ['text'], [7], [undefined]])('refuses %p as the whole file', (raw) => {
      // Act
      const result = validateConfigObject(raw);

      // Assert
      expect(result.value).toBeUndefined();
      expect(result.problems).toEqual(['the file must contain one object, e.g. { gateway: { port: 18789 } }']);
    });
  });

  describe('keys named like Object.prototype members', () => {
    it.each([
      ['__proto__ at the top', '{ "__proto__": { "polluted": true } }', '__proto__'],
      ['constructor inside gateway', '{ gateway: { constructor: { name: "x" } } }', 'gateway.constructor'],
      ['toString deep inside', '{ gateway: { auth: { toString: "x" } } }', 'gateway.auth.toString'],
      [
        'hasOwnProperty in a list item',
        '{ gateway: { trustedProxies: [{ hasOwnProperty: 1 }] } }',
        'gateway.trustedProxies[0].hasOwnProperty',
      ],
    ])('refuses %s and names the key path', (_name, text, keyPath) => {
      // Arrange: parsed the way the loader parses, so `__proto__` is an own key as in a real file.
      const raw = JSON5.parse(text);

      // Act
      const result = validateConfigObject(raw);

      // Assert
      expect(result.value).toBeUndefined();
      expect(result.problems).toEqual([
        expect.stringMatching(new RegExp(`^${keyPath.replace(/[.[\]]/g, '\\$&')}: .*reserved.*remove it`)),
      ]);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it('refuses a hostile nesting depth without walking it all', () => {
      // Arrange
      let deep: Record<string, unknown> = {};
      const root = deep;
      for (let i = 0; i < 100_000; i++) deep = (deep.a = {}) as Record<string, unknown>;

      // Act
      const result = validateConfigObject({ gateway: root });

      // Assert
      expect(result.problems).toEqual([expect.stringContaining('nested deeper than')]);
    });
  });

  describe('unknown keys', () => {
    it('names a top-level unknown key and the allowed keys', () => {
      // Act
      const result = validateConfigObject({ gatway: {} });

      // Assert
      expect(result.value).toBeUndefined();
      expect(result.problems).toEqual(['gatway: unknown key (allowed here: agent, channels, gateway, tools)']);
    });

    it('names an unknown key inside gateway with the gateway keys', () => {
      // Act
      const result = validateConfigObject({ gateway: { prot: 1 } });

      // Assert
      expect(result.problems).toEqual([`gateway.prot: unknown key (allowed here: ${GATEWAY_KEYS})`]);
    });

    it.each<[string, object, string]>([
      ['auth', { auth: { tokn: 'x' } }, 'gateway.auth.tokn: unknown key (allowed here: allowTailscale, mode, password, token)'],
      [
        'limits',
        { limits: { maxPayloadBytes: 1 } },
        'gateway.limits.maxPayloadBytes: unknown key (allowed here: handshakeTimeoutMs, maxBufferedBytes, maxPayload, slowConsumerGraceMs, tickIntervalMs)',
      ],
      ['tailscale', { tailscale: { funnel: true } }, 'gateway.tailscale.funnel: unknown key (allowed here: mode, resetOnExit)'],
      ['tls', { tls: { cert: 'a' } }, 'gateway.tls.cert: unknown key (allowed here: certPath, enabled, keyPath)'],
      ['nodes', { nodes: { allow: [] } }, 'gateway.nodes.allow: unknown key (allowed here: allowCommands, denyCommands)'],
      ['logging', { logging: { path: 'x' } }, 'gateway.logging.path: unknown key (allowed here: file, format, level)'],
    ])("names an unknown key inside gateway.%s with that section's keys", (_section, gateway, line) => {
      expect(validateConfigObject({ gateway }).problems).toEqual([line]);
    });

    it('does not echo the value of an unknown key', () => {
      // Act
      const result = validateConfigObject({ gateway: { auth: { tokn: 'super-secret-value' } } });

      // Assert
      expect(result.problems.join('\n')).not.toContain('super-secret-value');
    });

    it('reports every problem, one line each', () => {
      // Act
      const result = validateConfigObject({ extra: 1, gateway: { port: 'x', auth: { nope: true } } });

      // Assert
      expect(result.problems).toHaveLength(3);
      expect(result.problems.some((p) => p.startsWith('extra: unknown key'))).toBe(true);
      expect(result.problems.some((p) => p.startsWith('gateway.port: '))).toBe(true);
      expect(result.problems.some((p) => p.startsWith('gateway.auth.nope: unknown key'))).toBe(true);
    });
  });

  describe('wrong types', () => {
    it('names the path, the expectation and the value for a string port', () => {
      // Act
      const { problems } = validateConfigObject({ gateway: { port: '80' } });

      // Assert
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^gateway\.port: /);
      expect(problems[0]).toContain('must be an integer number');
      expect(problems[0]).toMatch(/\(got "80"\)$/);
      // The property name is stripped from class-validator's message because the path already says it.
      expect(problems[0]).not.toMatch(/^gateway\.port: port /);
    });

    it('names the expected type of a nested boolean', () => {
      // Act
      const { problems } = validateConfigObject({ gateway: { tailscale: { resetOnExit: 'yes' } } });

      // Assert
      expect(problems).toEqual(['gateway.tailscale.resetOnExit: must be a boolean value (got "yes")']);
    });

    it('names the allowed values of an enum', () => {
      // Act
      const { problems } = validateConfigObject({ gateway: { bind: 'everywhere' } });

      // Assert
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^gateway\.bind: must be one of the following values: loopback, lan, tailnet, auto, custom/);
      expect(problems[0]).toContain('(got "everywhere")');
    });

    it('names the allowed log levels and formats', () => {
      const { problems } = validateConfigObject({ gateway: { logging: { level: 'loud', format: 'xml' } } });

      expect(problems).toEqual([
        expect.stringMatching(/^gateway\.logging\.level: must be one of the following values: error, warn, info, debug, verbose/),
        expect.stringMatching(/^gateway\.logging\.format: must be one of the following values: text, json/),
      ]);
    });

    it('says an object was expected for a section given as a string', () => {
      // Act
      const { problems } = validateConfigObject({ gateway: { auth: 'tok' } });

      // Assert
      expect(problems.length).toBeGreaterThanOrEqual(1);
      expect(problems[0]).toMatch(/^gateway\.auth: .*must be an object/);
    });

    it('names the path of an array whose items have the wrong format', () => {
      // Act
      const { problems } = validateConfigObject({ gateway: { trustedProxies: ['not-an-ip'] } });

      // Assert
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^gateway\.trustedProxies: /);
      expect(problems[0]).toContain('must be an ip address');
      expect(problems[0]).toContain('(got ["not-an-ip"])');
    });

    it.each([
      ['a group id', [-100123]],
      ['a name', ['@ada']],
      ['too many ids', Array.from({ length: 11 }, (_, i) => i + 1)],
    ])('refuses channels.telegram.approvers with %s, saying what an approver id is', (_label, approvers) => {
      const { problems } = validateConfigObject({ channels: { telegram: { approvers } } });

      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^channels\.telegram\.approvers: /);
      expect(problems[0]).toContain('at most 10 Telegram user ids (positive whole numbers');
    });

    it('accepts approvers as numbers or digit strings', () => {
      expect(validateConfigObject({ channels: { telegram: { approvers: [42, '4242'] } } }).problems).toEqual([]);
    });

    it('shortens a long value to 60 characters', () => {
      // Arrange
      const long = 'x'.repeat(200);

      // Act
      const { problems } = validateConfigObject({ gateway: { bind: long } });

      // Assert
      const line = problems.find((p) => p.startsWith('gateway.bind:'));
      const got = line?.match(/\(got (.*)\)$/)?.[1];
      expect(got).toHaveLength(60);
      expect(got?.endsWith('...')).toBe(true);
    });
  });

  describe('secrets', () => {
    it.each<[string, object, string]>([
      ['gateway.auth.token', { auth: { token: 123456789 } }, '123456789'],
      ['gateway.auth.password', { auth: { password: 987654321 } }, '987654321'],
      ['gateway.remote.token', { remote: { token: 55555 } }, '55555'],
      ['gateway.remote.password', { remote: { password: ['hunter2'] } }, 'hunter2'],
      ['gateway.auth.token', { auth: { token: '' } }, '""'],
    ])('does not echo the value of %s', (keyPath, gateway, secretText) => {
      // Act
      const { problems } = validateConfigObject({ gateway });

      // Assert
      expect(problems.length).toBeGreaterThanOrEqual(1);
      const text = problems.join('\n');
      expect(text).toContain(`${keyPath}: `);
      expect(text).toContain('value hidden');
      expect(text).not.toContain(secretText);
    });

    it.each<[string, object, string]>([
      ['gateway.auth', { auth: 's3cret-token-in-the-wrong-place' }, 's3cret-token-in-the-wrong-place'],
      ['gateway.remote', { remote: ['tok-abc-123'] }, 'tok-abc-123'],
    ])('hides the value when a whole secret section (%s) has the wrong type', (keyPath, gateway, secretText) => {
      // Act
      const { problems } = validateConfigObject({ gateway });

      // Assert
      const text = problems.join('\n');
      expect(text).toContain(`${keyPath}: `);
      expect(text).not.toContain(secretText);
      expect(text).not.toContain('nested property');
    });

    it('still says which type was given for a hidden value', () => {
      // Act
      const { problems } = validateConfigObject({ gateway: { auth: { token: 123 } } });

      // Assert
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^gateway\.auth\.token: /);
      expect(problems[0]).toContain('must be a string');
      expect(problems[0]).toMatch(/\(got a number, value hidden\)$/);
      expect(problems[0]).not.toContain('123');
    });
  });
});
