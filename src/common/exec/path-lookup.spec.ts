import { FileProbe, findOnPath, resolveCommandPath, systemFileProbe } from './path-lookup';

const probe = (files: string[]): FileProbe => ({ isExecutableFile: (file) => files.includes(file) });

describe(findOnPath.name, () => {
  it('returns the first PATH directory holding the program', () => {
    expect(findOnPath('tool', '/opt/bin:/usr/bin', probe(['/usr/bin/tool', '/opt/bin/tool']))).toBe('/opt/bin/tool');
    expect(findOnPath('tool', '/opt/bin:/usr/bin', probe(['/usr/bin/tool']))).toBe('/usr/bin/tool');
  });

  it('returns undefined when no directory has it', () => {
    expect(findOnPath('tool', '/opt/bin:/usr/bin', probe([]))).toBeUndefined();
  });

  it('skips empty and relative PATH entries, which depend on the working directory', () => {
    // Arrange
    const seen: string[] = [];
    const recording: FileProbe = { isExecutableFile: (file) => (seen.push(file), false) };
    // Act
    findOnPath('tool', ':.:bin:/usr/bin', recording);
    // Assert
    expect(seen).toEqual(['/usr/bin/tool']);
  });

  it.each(['', '.', '..', 'a/b', '/usr/bin/tool'])('does not look up %p', (name) => {
    expect(findOnPath(name, '/usr/bin', probe(['/usr/bin/tool', '/usr/bin/a/b']))).toBeUndefined();
  });

  it('finds sh on the real PATH and only executable files', () => {
    expect(findOnPath('sh', process.env.PATH, systemFileProbe)).toMatch(/\/sh$/);
    expect(systemFileProbe.isExecutableFile('/etc/passwd')).toBe(false);
    expect(systemFileProbe.isExecutableFile('/')).toBe(false);
  });
});

describe(resolveCommandPath.name, () => {
  it('looks bare names up on PATH', () => {
    expect(resolveCommandPath('tool', '/usr/bin', '/work', probe(['/usr/bin/tool']))).toBe('/usr/bin/tool');
  });

  it('resolves anything with a slash against the working directory, without looking', () => {
    expect(resolveCommandPath('./run.sh', '/usr/bin', '/work', probe([]))).toBe('/work/run.sh');
    expect(resolveCommandPath('/bin/../bin/ls', '/usr/bin', '/work', probe([]))).toBe('/bin/ls');
  });
});
