import * as fc from 'fast-check';
import { pathGlobMatches } from './path-glob';

describe('pathGlobMatches', () => {
  it.each<[string, string, boolean]>([
    ['/usr/bin/git', '/usr/bin/git', true],
    ['/usr/bin/git', '/usr/bin/gitk', false],
    ['/usr/bin/*', '/usr/bin/git', true],
    ['/usr/bin/*', '/usr/bin/x/git', false],
    ['/usr/**', '/usr/bin/x/git', true],
    ['/usr/**/git', '/usr/local/bin/git', true],
    ['/opt/tool?', '/opt/tool1', true],
    ['/opt/tool?', '/opt/tool/', false],
    ['/opt/*.sh', '/opt/a.sh', true],
    ['/opt/*.sh', '/opt/a.shx', false],
    ['*', '/usr/bin/git', false],
    ['**', '/usr/bin/git', true],
  ])('%s against %s: %s', (pattern, target, expected) => {
    expect(pathGlobMatches(pattern, target)).toBe(expected);
  });

  it('stays fast on hostile patterns with many stars', () => {
    const pattern = '/' + '**a'.repeat(300);
    const target = '/' + 'a'.repeat(4_000) + 'b';
    expect(pathGlobMatches(pattern, target)).toBe(false);
  });

  it('matches every literal path to itself', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\/[a-z0-9/._-]{0,60}$/), (target) => pathGlobMatches(target, target)),
      { numRuns: 200 },
    );
  });
});
