import { parseLogLine, parseSince } from './log-line';

describe('parseLogLine', () => {
  it('reads a text line', () => {
    expect(parseLogLine('2026-01-02T03:04:05.000Z WARN    [Telegram] polling failed: timeout')).toEqual({
      time: '2026-01-02T03:04:05.000Z',
      timeMs: Date.UTC(2026, 0, 2, 3, 4, 5),
      level: 'warn',
      context: 'Telegram',
      message: 'polling failed: timeout',
    });
  });

  it('reads a json line', () => {
    const line = JSON.stringify({ time: '2026-01-02T03:04:05.000Z', level: 'info', message: 'hi' });
    expect(parseLogLine(line)).toMatchObject({ level: 'info', message: 'hi', timeMs: Date.UTC(2026, 0, 2, 3, 4, 5) });
  });

  it('marks continuation lines and passes anything else through', () => {
    expect(parseLogLine('        at f (a.js:1)')).toEqual({ message: '    at f (a.js:1)', continuation: true });
    expect(parseLogLine('{not json')).toEqual({ message: '{not json' });
    expect(parseLogLine('plain')).toEqual({ message: 'plain' });
  });
});

describe('parseSince', () => {
  const now = Date.UTC(2026, 0, 2, 12, 0, 0);

  it.each([
    ['30s', now - 30_000],
    ['10m', now - 600_000],
    ['2h', now - 7_200_000],
    ['1d', now - 86_400_000],
    ['2026-01-02T11:00:00Z', Date.UTC(2026, 0, 2, 11)],
  ])('reads %s', (value, expected) => {
    expect(parseSince(value, now)).toBe(expected);
  });

  it.each(['yesterday', '10', '5w', '2026-13-45'])('refuses %s', (value) => {
    expect(parseSince(value, now)).toBeUndefined();
  });
});
