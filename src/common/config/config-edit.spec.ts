import { applyMergePatch, changedConfigPaths, hashConfigText } from './config-edit';
import { environmentSecretPaths, REDACTED, redactSecrets, restoreRedacted } from './config-secrets';

describe('config edits', () => {
  describe('applyMergePatch', () => {
    it('merges objects, replaces arrays and removes keys set to null', () => {
      const base = { agent: { model: 'a', maxSteps: 3 }, channels: { telegram: { allowFrom: [1, 2], dmPolicy: 'pairing' } } };
      const patched = applyMergePatch(base, {
        agent: { model: 'b', maxSteps: null },
        channels: { telegram: { allowFrom: [3] } },
      });
      expect(patched).toEqual({ agent: { model: 'b' }, channels: { telegram: { allowFrom: [3], dmPolicy: 'pairing' } } });
      expect(base.agent.model).toBe('a');
    });

    it('keeps "__proto__" from a parsed patch as an own key instead of replacing the prototype', () => {
      const patched = applyMergePatch({}, JSON.parse('{"__proto__": {"polluted": true}}')) as Record<string, unknown>;
      expect(Object.keys(patched)).toEqual(['__proto__']);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.getPrototypeOf(patched)).toBe(Object.prototype);
    });
  });

  describe('changedConfigPaths', () => {
    it('lists the changed leaves, including those of a section that appears', () => {
      expect(
        changedConfigPaths(
          { agent: { model: 'a' }, gateway: { port: 1 } },
          { agent: { model: 'b' }, gateway: { port: 1 }, channels: { telegram: { dmPolicy: 'open', allowFrom: [1] } } },
        ),
      ).toEqual(['agent.model', 'channels.telegram.allowFrom', 'channels.telegram.dmPolicy']);
    });

    it('is empty for equal content', () => {
      expect(changedConfigPaths({ a: { b: [1, 2] } }, { a: { b: [1, 2] } })).toEqual([]);
    });
  });

  describe('hashConfigText', () => {
    it('differs for any change and is stable for "no file"', () => {
      expect(hashConfigText('{}')).not.toBe(hashConfigText('{ }'));
      expect(hashConfigText(undefined)).toBe(hashConfigText(''));
      expect(hashConfigText('{}')).toMatch(/^[0-9a-f]{64}$/);
    });
  });

  describe('redaction', () => {
    const file = {
      gateway: { auth: { token: 'tok-123456789' }, remote: { password: 'pw-123456789' } },
      channels: { telegram: { botToken: '1:abc', webhookSecret: 'w'.repeat(20), dmPolicy: 'open' } },
      agent: { apiKey: 'sk-1', model: 'm' },
    };

    it('hides every secret and nothing else', () => {
      const redacted = redactSecrets(file);
      expect(JSON.stringify(redacted)).not.toMatch(/tok-|pw-|1:abc|www|sk-1/);
      expect(redacted.channels.telegram.dmPolicy).toBe('open');
      expect(redacted.agent.model).toBe('m');
    });

    it('puts the stored secret back where the placeholder came back, and drops a placeholder with nothing stored', () => {
      const edited = { ...redactSecrets(file), channels: { telegram: { botToken: REDACTED, dmPolicy: 'allowlist' } } };
      const restored = restoreRedacted(edited, file) as typeof file;
      expect(restored.gateway.auth.token).toBe('tok-123456789');
      expect(restored.channels.telegram.botToken).toBe('1:abc');
      expect(restoreRedacted({ agent: { apiKey: REDACTED } }, {})).toEqual({ agent: {} });
    });

    it('finds a secret from the environment wherever it was put', () => {
      expect(
        environmentSecretPaths({ agent: { apiKey: 'from-env' }, tools: { exec: { allowlist: ['from-env'] } } }, ['from-env']),
      ).toEqual(['agent.apiKey', 'tools.exec.allowlist[0]']);
      expect(environmentSecretPaths({ agent: { apiKey: 'other' } }, ['from-env'])).toEqual([]);
    });
  });
});
