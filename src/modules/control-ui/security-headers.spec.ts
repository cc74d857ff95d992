import { contentSecurityPolicy, controlUiHeaders } from './security-headers';

describe('contentSecurityPolicy', () => {
  it('allows only this origin, plus ws/wss of the host the page was loaded from', () => {
    expect(contentSecurityPolicy('127.0.0.1:18789')).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' ws://127.0.0.1:18789 wss://127.0.0.1:18789; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    expect(contentSecurityPolicy('[::1]:18789')).toContain('ws://[::1]:18789');
    expect(contentSecurityPolicy('box.tail1234.ts.net')).toContain('wss://box.tail1234.ts.net');
  });

  it.each([undefined, '', 'evil.example; script-src *', 'a b', "x'y"])('falls back to self alone for the host %j', (host) => {
    expect(contentSecurityPolicy(host)).toContain("connect-src 'self'; ");
  });
});

describe('controlUiHeaders', () => {
  it('sets the hardening headers', () => {
    expect(controlUiHeaders('localhost:1')).toMatchObject({
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'X-Frame-Options': 'DENY',
    });
  });
});
