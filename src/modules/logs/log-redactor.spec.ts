import { LogRedactor, REDACTED } from './log-redactor';

describe(LogRedactor.name, () => {
  describe('redact', () => {
    it('replaces every known secret, also URL-encoded, longest first', () => {
      const redactor = new LogRedactor(['pass word/1', 'pass word/12345', undefined, '']);
      const out = redactor.redact(`a pass word/12345 b pass%20word%2F1 c pass word/1`);
      expect(out).toBe(`a ${REDACTED} b ${REDACTED} c ${REDACTED}`);
    });

    it('leaves values shorter than 4 characters alone, so ordinary words survive', () => {
      expect(new LogRedactor(['abc']).redact('abc abc')).toBe('abc abc');
    });

    it.each([
      ['a Telegram bot token in a URL', 'GET https://api.telegram.org/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/getMe'],
      ['a device token', 'token ncd_9f8e7d6c5b4a39281706f5e4d3c2b1a0aa'],
      ['an API key', 'key sk-proj-abcdefghijklmnop1234'],
      ['a bearer header', 'Authorization: Bearer abcdefgh.ijkl'],
      ['a key=value pair', 'url?token=hunter2hunter2&x=1'],
      ['a JSON field', '{"password":"hunter2hunter2"}'],
    ])('removes %s it was not told about', (_label, line) => {
      const out = new LogRedactor([]).redact(line);
      expect(out).toContain(REDACTED);
      expect(out).not.toMatch(/AAHdqTcv|9f8e7d6c|abcdefghijklmnop|abcdefgh\.ijkl|hunter2/);
    });

    it('keeps lines that only talk about secrets', () => {
      const line = 'unauthorized: gateway token mismatch (set gateway.remote.token to match gateway.auth.token)';
      expect(new LogRedactor([]).redact(line)).toBe(line);
    });
  });
});
