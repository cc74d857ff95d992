import { applyProfile, extractProfile } from './profile';

describe('extractProfile', () => {
  it.each<[string[], string[], string | undefined]>([
    [['status'], ['status'], undefined],
    [['--profile', 'work', 'status'], ['status'], 'work'],
    [['gateway', 'run', '--profile=lab', '--port', '1'], ['gateway', 'run', '--port', '1'], 'lab'],
    [['nodes', 'invoke', '--', '--profile', 'x'], ['nodes', 'invoke', '--', '--profile', 'x'], undefined],
  ])('%j', (argv, rest, profile) => {
    expect(extractProfile(argv)).toEqual({ argv: rest, ...(profile ? { profile } : {}) });
  });

  it('refuses a missing name and two different names', () => {
    expect(() => extractProfile(['status', '--profile'])).toThrow(/needs a name/);
    expect(() => extractProfile(['--profile', 'a', '--profile', 'b'])).toThrow(/twice/);
  });
});

describe('applyProfile', () => {
  it('sets NESTCLAW_PROFILE, refusing a bad name or a contradiction', () => {
    const env: NodeJS.ProcessEnv = {};
    applyProfile('work', env);
    expect(env.NESTCLAW_PROFILE).toBe('work');
    expect(() => applyProfile('home', env)).toThrow(/contradicts/);
    expect(() => applyProfile('../x', {})).toThrow(/must be 1-32 lowercase/);
  });
});
