import { normalizeBasePath } from './base-path';

describe('normalizeBasePath', () => {
  it.each([
    ['/', '/'],
    ['', '/'],
    ['ui', '/ui/'],
    ['/ui', '/ui/'],
    ['/ui/', '/ui/'],
    ['//a//b/', '/a/b/'],
    [' /admin ', '/admin/'],
  ])('turns %j into %j', (configured, expected) => {
    expect(normalizeBasePath(configured)).toBe(expected);
  });
});
