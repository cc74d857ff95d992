import fc from 'fast-check';
import { globToRegExp, UrlPolicy } from './url-policy';

function policy(options: { allow?: string[]; deny?: string[]; dns?: Record<string, string[]>; port?: number } = {}) {
  return new UrlPolicy({
    allowUrls: options.allow ?? [],
    denyUrls: options.deny ?? [],
    protectedPort: options.port ?? 18789,
    resolve: async (host) => {
      const found = options.dns?.[host];
      if (!found) throw new Error('ENOTFOUND');
      return found;
    },
    localAddresses: () => ['192.168.1.20'],
  });
}

describe(UrlPolicy.name, () => {
  describe('check', () => {
    it('allows a public host whose every address is public', async () => {
      expect(
        await policy({ dns: { 'example.com': ['93.184.216.34', '2606:2800:220:1::1'] } }).check('https://example.com/a'),
      ).toEqual({
        allowed: true,
      });
    });

    it.each([
      ['http://127.0.0.1/', 'loopback'],
      ['http://[::1]:8080/', 'loopback'],
      ['http://10.0.0.1/', 'private'],
      ['http://192.168.1.1/admin', 'private'],
      ['http://169.254.169.254/latest/meta-data/', 'link-local'],
      ['http://[fe80::1]/', 'link-local'],
      ['http://100.100.100.100/', 'tailnet'],
      ['http://0.0.0.0:8080/', 'unspecified'],
      ['http://[::ffff:127.0.0.1]/', 'loopback'],
    ])('refuses %s (a %s address) by default', async (url, kind) => {
      const verdict = await policy().check(url);
      expect(verdict.allowed).toBe(false);
      expect(!verdict.allowed && verdict.reason).toContain(`a ${kind} address`);
    });

    it('refuses a name when any one of its addresses is private (DNS pointing inside)', async () => {
      const verdict = await policy({ dns: { 'mixed.test': ['93.184.216.34', '10.0.0.5'] } }).check('http://mixed.test/');
      expect(verdict).toEqual({ allowed: false, reason: expect.stringContaining('mixed.test resolves to 10.0.0.5') });
    });

    it('refuses names that do not resolve', async () => {
      expect((await policy().check('http://nowhere.test/')).allowed).toBe(false);
    });

    it.each([
      'file:///etc/passwd',
      'ftp://example.com/',
      'chrome://settings',
      'data:text/html,x',
      'javascript:alert(1)',
      'not a url',
    ])('refuses %s', async (url) => {
      expect((await policy().check(url)).allowed).toBe(false);
    });

    it('lets an explicit allowUrls entry open a loopback URL, and only the URLs it matches', async () => {
      const allowed = policy({ allow: ['http://127.0.0.1:8080/*'] });
      expect(await allowed.check('http://127.0.0.1:8080/dashboard')).toEqual({ allowed: true });
      expect((await allowed.check('http://127.0.0.1:8081/')).allowed).toBe(false);
    });

    it("never opens the gateway's own port on this host, whatever allowUrls says", async () => {
      const open = policy({ allow: ['*'], port: 18789, dns: { localhost: ['127.0.0.1', '::1'] } });
      for (const url of [
        'http://127.0.0.1:18789/',
        'http://localhost:18789/',
        'http://192.168.1.20:18789/',
        'http://[::ffff:127.0.0.1]:18789/',
        'http://[::1]:18789/',
        'ws://x',
      ]) {
        expect((await open.check(url)).allowed).toBe(false);
      }
      expect(await open.check('http://127.0.0.1:18790/')).toEqual({ allowed: true });
    });

    it('lets denyUrls win over allowUrls and over public addresses', async () => {
      const denied = policy({ allow: ['*'], deny: ['https://example.com/private/*'], dns: { 'example.com': ['93.184.216.34'] } });
      expect(await denied.check('https://example.com/private/x')).toEqual({
        allowed: false,
        reason: expect.stringContaining('tools.browser.denyUrls'),
      });
      expect(await denied.check('https://example.com/public')).toEqual({ allowed: true });
    });

    it('never throws, whatever the text', async () => {
      const subject = policy();
      await fc.assert(
        fc.asyncProperty(fc.string({ maxLength: 200 }), async (text) => {
          const verdict = await subject.check(text);
          expect(typeof verdict.allowed).toBe('boolean');
        }),
        { numRuns: 200 },
      );
    });
  });
});

describe('globToRegExp', () => {
  it('treats * as any run of characters and escapes everything else', () => {
    expect(globToRegExp('http://127.0.0.1:8080/*').test('http://127.0.0.1:8080/a/b?c')).toBe(true);
    expect(globToRegExp('http://127.0.0.1:8080/*').test('http://127.0.0.1:80800/')).toBe(false);
    expect(globToRegExp('https://a.b/x?').test('https://a.b/xy')).toBe(true);
    expect(globToRegExp('https://a.b/').test('https://aXb/')).toBe(false);
  });
});
