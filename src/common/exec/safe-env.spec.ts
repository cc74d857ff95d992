import { baseEnv, FALLBACK_PATH, mergeEnv } from './safe-env';

describe(baseEnv.name, () => {
  it('keeps a few harmless variables and drops everything else', () => {
    // Act
    const env = baseEnv({
      PATH: '/usr/bin',
      HOME: '/home/me',
      LANG: 'C.UTF-8',
      NESTCLAW_GATEWAY_TOKEN: 'secret',
      AWS_SECRET_ACCESS_KEY: 'x',
      LD_PRELOAD: '/x.so',
    });
    // Assert
    expect(env).toEqual({ PATH: '/usr/bin', HOME: '/home/me', LANG: 'C.UTF-8' });
  });

  it('falls back to a standard PATH', () => {
    expect(baseEnv({}).PATH).toBe(FALLBACK_PATH);
    expect(baseEnv({ PATH: '' }).PATH).toBe(FALLBACK_PATH);
  });
});

describe(mergeEnv.name, () => {
  it('lets the request override the base', () => {
    expect(mergeEnv({ PATH: '/a', HOME: '/h' }, { PATH: '/b', X: '1' })).toEqual({ PATH: '/b', HOME: '/h', X: '1' });
    expect(mergeEnv({ PATH: '/a' }, undefined)).toEqual({ PATH: '/a' });
  });
});
