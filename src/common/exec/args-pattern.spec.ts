import * as fc from 'fast-check';
import { argsMatch, argsPatternProblem, exactArgsPattern } from './args-pattern';

const arg = fc.string({ maxLength: 12 });
const args = fc.array(arg, { maxLength: 6 });

describe(argsMatch.name, () => {
  it.each<[string[], string[], boolean]>([
    [[], [], true],
    [[], ['-a'], false],
    [['status'], ['status'], true],
    [['status'], ['status', '--porcelain'], false],
    [['status', '**'], ['status'], true],
    [['status', '**'], ['status', '-s', '-b'], true],
    [['status', '**'], ['log'], false],
    [['**'], [], true],
    [['**'], ['anything', 'at', 'all'], true],
    [['-n', '*'], ['-n', '20'], true],
    [['-n', '*'], ['-n'], false],
    [['--lines=*'], ['--lines=5'], true],
    [['--lines=*'], ['--bytes=5'], false],
    [['*.log'], ['app.log'], true],
    [['*.log'], ['app.log.gz'], false],
    [['a*b*c'], ['abc'], true],
    [['a*b*c'], ['aXbYc'], true],
    [['a*b*c'], ['acb'], false],
    [['ab*ba'], ['aba'], false],
    [['\\*'], ['*'], true],
    [['\\*'], ['x'], false],
    [['\\\\'], ['\\'], true],
    [['\\'], ['\\'], false],
    [['**', 'x'], ['y', 'x'], false],
  ])('%p against %p → %p', (pattern, given, expected) => {
    expect(argsMatch(pattern, given)).toBe(expected);
  });

  it('matches the exact arguments an exact pattern was made from (property)', () => {
    fc.assert(
      fc.property(args, (given) => {
        expect(argsMatch(exactArgsPattern(given), given)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('matches no other arguments with an exact pattern (property)', () => {
    fc.assert(
      fc.property(args, args, (approved, other) => {
        fc.pre(JSON.stringify(approved) !== JSON.stringify(other));
        expect(argsMatch(exactArgsPattern(approved), other)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('agrees with a reference glob on star patterns (property)', () => {
    const reference = (pattern: string, text: string) =>
      new RegExp(
        `^${pattern
          .split('*')
          .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
          .join('.*')}$`,
        's',
      ).test(text);
    const small = fc.stringMatching(/^[ab*]{0,8}$/);
    fc.assert(
      fc.property(small, fc.stringMatching(/^[ab]{0,10}$/), (pattern, text) => {
        fc.pre(pattern !== '**');
        expect(argsMatch([pattern], [text])).toBe(reference(pattern, text));
      }),
      { numRuns: 1_000 },
    );
  });
});

describe(argsPatternProblem.name, () => {
  it.each<[unknown, string | undefined]>([
    [['status', '**'], undefined],
    [['-n', '*', '\\*'], undefined],
    ['status', 'must be an array of strings, one per argument'],
    [[1], '[0] must be a string'],
    [['**', 'x'], '[0] "**" may only be the last element'],
    [['a\\b'], '[0] has a lone backslash; write \\\\ for a backslash, \\* for a star'],
    [['a\0'], '[0] must not contain a NUL byte'],
  ])('%p → %p', (value, problem) => {
    expect(argsPatternProblem(value)).toBe(problem);
  });

  it('accepts what exactArgsPattern makes (property)', () => {
    fc.assert(
      fc.property(
        args.filter((given) => given.every((a) => !a.includes('\0'))),
        (given) => {
          expect(argsPatternProblem(exactArgsPattern(given))).toBeUndefined();
        },
      ),
      { numRuns: 300 },
    );
  });
});
