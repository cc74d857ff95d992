import { entryMatchesProgram, type ProgramTarget } from './allowlist-match';

const onPath: Record<string, string> = { echo: '/usr/bin/echo' };
const target = (resolvedPath: string | undefined): ProgramTarget => ({
  resolvedPath,
  homeDir: '/home/ada',
  resolveBareName: (name) => onPath[name],
});

describe('entryMatchesProgram', () => {
  it.each<[string, object, string | undefined, boolean]>([
    ['a bare name through the host PATH', { pattern: 'echo' }, '/usr/bin/echo', true],
    ['a bare name never matches the same name elsewhere', { pattern: 'echo' }, '/tmp/x/echo', false],
    ['an exact path', { pattern: '/usr/bin/echo' }, '/usr/bin/echo', true],
    ['a normalised path', { pattern: '/usr/./bin/../bin/echo' }, '/usr/bin/echo', true],
    ['a glob', { pattern: '/usr/bin/*' }, '/usr/bin/echo', true],
    ['a home path', { pattern: '~/bin/*' }, '/home/ada/bin/tool', true],
    ['the lone star, anything that resolved', { pattern: '*' }, '/usr/bin/echo', true],
    ['nothing that did not resolve', { pattern: '*' }, undefined, false],
    ["the reference's argPattern, not ours", { pattern: '/usr/bin/echo', argPattern: '^hi$' }, '/usr/bin/echo', false],
    ['an allow-always marker without args', { pattern: '/usr/bin/echo', source: 'allow-always' }, '/usr/bin/echo', false],
    ['an allow-always with args', { pattern: '/usr/bin/echo', source: 'allow-always', args: [] }, '/usr/bin/echo', true],
  ])('%s', (_name, entry, resolved, expected) => {
    expect(entryMatchesProgram(entry as never, target(resolved))).toBe(expected);
  });
});
