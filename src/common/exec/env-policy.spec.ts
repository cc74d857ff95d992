import * as fc from 'fast-check';
import { checkExecEnv, describeEnvRefusal } from './env-policy';

describe(checkExecEnv.name, () => {
  it.each<[Record<string, string>]>([
    [{}],
    [{ TERM: 'xterm-256color', COLUMNS: '120', LINES: '40', NO_COLOR: '1' }],
    [{ LANG: 'C.UTF-8', LC_ALL: 'en_US.UTF-8', LC_MESSAGES: 'sr_RS@latin' }],
    [{ TZ: 'Europe/Paris' }],
    [{ TZ: ':America/Argentina/Buenos_Aires' }],
    [{ TZ: 'EST5EDT,M3.2.0,M11.1.0' }],
    [{ TZ: '<+03>-3' }],
  ])('accepts the safe variables with ordinary values: %p', (env) => {
    expect(checkExecEnv(env)).toEqual({ ok: true });
  });

  it.each([
    'LESSOPEN',
    'LESSCLOSE',
    'PYTHONWARNINGS',
    'BROWSER',
    'BASH_ENV',
    'ENV',
    'LD_PRELOAD',
    'LD_LIBRARY_PATH',
    'DYLD_INSERT_LIBRARIES',
    'NODE_OPTIONS',
    'PATH',
    'HOME',
    'GIT_SSH_COMMAND',
    'PERL5OPT',
    'LOCPATH',
    'GCONV_PATH',
    'TERMINFO',
    'LANGUAGE',
    'lc_all',
  ])('refuses %s, which is not on the list', (name) => {
    expect(checkExecEnv({ [name]: 'x' })).toEqual({ ok: false, refused: [{ name, problem: 'not-allowed' }] });
  });

  it.each<[string, string]>([
    ['TZ', '/tmp/evil'],
    ['TZ', ':/tmp/evil'],
    ['TZ', '../../../tmp/evil'],
    ['TZ', 'Europe/../../tmp'],
    ['LANG', '/tmp/locale'],
    ['LC_ALL', 'C.UTF-8/../x'],
    ['TERM', '../../tmp/terminfo'],
    ['TERM', ''],
    ['COLUMNS', '80; rm -rf /'],
    ['NO_COLOR', '$(id)'],
    ['LANG', 'x'.repeat(65)],
  ])('refuses %s=%p, a value of the wrong shape', (name, value) => {
    const check = checkExecEnv({ [name]: value });
    expect(check).toEqual({ ok: false, refused: [{ name, problem: 'bad-value', shape: expect.any(String) }] });
  });

  it('accepts any value of a name the policy entry names', () => {
    expect(checkExecEnv({ LESS: '-R', TZ: '/etc/localtime' }, ['LESS', 'TZ'])).toEqual({ ok: true });
    expect(checkExecEnv({ LESS: '-R', LESSOPEN: '|x' }, ['LESS'])).toEqual({
      ok: false,
      refused: [{ name: 'LESSOPEN', problem: 'not-allowed' }],
    });
  });

  it('refuses every name that is not a safe name (property)', () => {
    const safe = /^(TERM|COLUMNS|LINES|NO_COLOR|TZ|LANG|LC_[A-Z]+)$/;
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,20}$/).filter((name) => !safe.test(name)),
        fc.string({ maxLength: 40 }),
        (name, value) => {
          expect(checkExecEnv({ [name]: value }).ok).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never lets a safe name carry a value starting with a path (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('TERM', 'TZ', 'LANG', 'LC_ALL', 'LC_CTYPE', 'COLUMNS', 'NO_COLOR'),
        fc.constantFrom('/', ':/', '../', 'a/../'),
        fc.string({ maxLength: 20 }),
        (name, prefix, rest) => {
          expect(checkExecEnv({ [name]: `${prefix}${rest}` }).ok).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe(describeEnvRefusal.name, () => {
  it('names each variable and the fix, never the value', () => {
    const check = checkExecEnv({ LESSOPEN: '|secret-value %s', TZ: '/secret/path' });
    if (check.ok) throw new Error('expected a refusal');
    const message = describeEnvRefusal(check.refused, "name it in the program's entry");
    expect(message).toContain('LESSOPEN is not one of the variables');
    expect(message).toContain('the value of TZ must be');
    expect(message).toContain("To pass LESSOPEN, TZ, name it in the program's entry");
    expect(message).not.toContain('secret');
  });
});
