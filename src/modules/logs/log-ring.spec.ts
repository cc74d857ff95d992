import { LogRing } from './log-ring';

describe(LogRing.name, () => {
  const line = (start: number, text: string) => ({ start, end: start + text.length, text });

  it('keeps at most maxLines, dropping the oldest', () => {
    const ring = new LogRing(2, 1_000);
    ring.push(line(0, 'a'));
    ring.push(line(2, 'b'));
    ring.push(line(4, 'c'));
    expect(ring.from(0)).toEqual(['b', 'c']);
    expect(ring.firstStart).toBe(2);
  });

  it('keeps at most maxBytes, but always the newest line', () => {
    const ring = new LogRing(100, 5);
    ring.push(line(0, 'aaaa'));
    ring.push(line(5, 'bbbbbbbb'));
    expect(ring.from(0)).toEqual(['bbbbbbbb']);
  });

  it('returns the lines starting at or after an offset', () => {
    const ring = new LogRing(10, 1_000);
    ring.push(line(0, 'a'));
    ring.push(line(2, 'b'));
    expect(ring.from(1)).toEqual(['b']);
    expect(ring.from(3)).toEqual([]);
  });

  it('stays bounded over many pushes', () => {
    const ring = new LogRing(10, 1_000);
    for (let i = 0; i < 5_000; i++) ring.push(line(i * 2, String(i % 10)));
    expect(ring.size).toBe(10);
    expect(ring.firstStart).toBe(4_990 * 2);
  });
});
