import { answersFromFlags, buildOnboardPlan, OnboardAnswers, OnboardInputError } from './onboard-plan';

const TOKEN = 'Zq3xV9mPk2LwT8rN5sYb7cHd4fJg6';
const BOT = '123456789:AAHfiqksKZ8WmR2zSjiQ7_v4TMAKdiHm9T0';
const generate = () => 'generated-Zq3xV9mPk2LwT8rN5sYb7cHd4fJg6';

function planError(answers: OnboardAnswers): string {
  try {
    buildOnboardPlan(answers, generate);
  } catch (error) {
    if (error instanceof OnboardInputError) return error.message;
    throw error;
  }
  throw new Error('expected an OnboardInputError');
}

describe(buildOnboardPlan.name, () => {
  it('builds the defaults: loopback, token mode, builtin provider, no secrets', () => {
    // Act
    const plan = buildOnboardPlan({ mode: 'local' }, generate);

    // Assert
    expect(plan).toEqual({
      config: {
        gateway: { mode: 'local', port: 18789, bind: 'loopback', auth: { mode: 'token' } },
        agent: { provider: 'builtin' },
      },
      env: {},
      token: undefined,
      generatedToken: false,
    });
  });

  it('puts every secret in the env lines and none in the config', () => {
    // Act
    const plan = buildOnboardPlan(
      { mode: 'local', bind: 'lan', generateToken: true, telegramToken: BOT, provider: 'openai', model: 'm', apiKey: 'sk-1' },
      generate,
    );

    // Assert
    expect(plan.env).toEqual({ NESTCLAW_GATEWAY_TOKEN: generate(), TELEGRAM_BOT_TOKEN: BOT, OPENAI_API_KEY: 'sk-1' });
    expect(plan.token).toBe(generate());
    expect(plan.generatedToken).toBe(true);
    const text = JSON.stringify(plan.config);
    for (const secret of Object.values(plan.env)) expect(text).not.toContain(secret);
    expect(plan.config.channels).toEqual({ telegram: { enabled: true, dmPolicy: 'pairing' } });
  });

  it('stores a given token like a generated one', () => {
    const plan = buildOnboardPlan({ mode: 'local', token: TOKEN }, generate);
    expect(plan).toMatchObject({ env: { NESTCLAW_GATEWAY_TOKEN: TOKEN }, token: TOKEN, generatedToken: false });
  });

  it('takes a password into the env lines', () => {
    const plan = buildOnboardPlan({ mode: 'local', auth: 'password', password: 'purple tractor sings loudly' }, generate);
    expect(plan.env).toEqual({ NESTCLAW_GATEWAY_PASSWORD: 'purple tractor sings loudly' });
    expect(plan.token).toBeUndefined();
    expect(plan.config.gateway).toMatchObject({ auth: { mode: 'password' } });
  });

  it('writes the remote token into the config, where the CLI reads it', () => {
    const plan = buildOnboardPlan({ mode: 'remote', remoteUrl: 'ws://127.0.0.1:18789', remoteToken: TOKEN }, generate);
    expect(plan).toEqual({
      config: { gateway: { mode: 'remote', remote: { url: 'ws://127.0.0.1:18789', token: TOKEN } } },
      env: {},
      generatedToken: false,
    });
  });

  it.each<[string, OnboardAnswers, string]>([
    ['a lan bind without a token', { mode: 'local', bind: 'lan' }, '--generate-token'],
    ['a custom bind without a host', { mode: 'local', bind: 'custom' }, '--custom-bind-host'],
    ['a custom host that is not an IP', { mode: 'local', bind: 'custom', customBindHost: 'myhost' }, 'must be an IP address'],
    ['a weak token', { mode: 'local', token: 'short' }, 'the token is weak'],
    ['both token flags', { mode: 'local', token: TOKEN, generateToken: true }, 'not both'],
    ['password mode without a password', { mode: 'local', auth: 'password' }, 'needs --password'],
    ['a weak password', { mode: 'local', auth: 'password', password: 'hunter2' }, 'the password is weak'],
    ['a password in token mode', { mode: 'local', password: 'purple tractor sings loudly' }, 'is for --auth password'],
    ['openai without a model', { mode: 'local', provider: 'openai' }, 'needs --model'],
    ['a model for builtin', { mode: 'local', model: 'm' }, 'are for --provider openai'],
    ['a bad bot token', { mode: 'local', telegramToken: 'nope' }, 'does not look like a bot token'],
    ['allowlist without ids', { mode: 'local', telegramToken: BOT, dmPolicy: 'allowlist' }, 'needs --allow-from'],
    ['a dm policy without Telegram', { mode: 'local', dmPolicy: 'open' }, 'need --telegram-token'],
    ['Tailscale with a lan bind', { mode: 'local', bind: 'lan', generateToken: true, tailscale: 'serve' }, 'drop --bind lan'],
    ['Funnel with token auth', { mode: 'local', tailscale: 'funnel', auth: 'token' }, 'needs --auth password'],
    ['Funnel without a password', { mode: 'local', tailscale: 'funnel' }, 'needs --password'],
    ['remote without a URL', { mode: 'remote' }, 'needs --remote-url'],
    ['remote with an http URL', { mode: 'remote', remoteUrl: 'http://x' }, 'ws:// or wss://'],
    [
      'remote with local flags',
      { mode: 'remote', remoteUrl: 'ws://x:1', bind: 'lan', port: 1 },
      '--port, --bind configure a local gateway',
    ],
  ])('refuses %s, naming the fix', (_name, answers, text) => {
    expect(planError(answers)).toContain(text);
  });

  it('writes the Tailscale mode, with password auth for Funnel', () => {
    const serve = buildOnboardPlan({ mode: 'local', tailscale: 'serve' }, generate);
    const funnel = buildOnboardPlan({ mode: 'local', tailscale: 'funnel', password: 'purple tractor sings loudly' }, generate);
    expect(serve.config.gateway).toMatchObject({ bind: 'loopback', auth: { mode: 'token' }, tailscale: { mode: 'serve' } });
    expect(funnel.config.gateway).toMatchObject({ auth: { mode: 'password' }, tailscale: { mode: 'funnel' } });
  });

  it('accepts a custom loopback host without a token', () => {
    expect(() => buildOnboardPlan({ mode: 'local', bind: 'custom', customBindHost: '127.0.0.1' }, generate)).not.toThrow();
  });
});

describe(answersFromFlags.name, () => {
  it('converts and splits flag values', () => {
    expect(answersFromFlags({ port: '9000', bind: 'lan', allowFrom: '1, 2,,3', dmPolicy: 'allowlist' })).toMatchObject({
      mode: 'local',
      port: 9000,
      bind: 'lan',
      allowFrom: ['1', '2', '3'],
      dmPolicy: 'allowlist',
    });
  });

  it.each([
    [{ port: '0' }, '--port must be a whole number'],
    [{ bind: 'everywhere' }, '--bind must be one of loopback, lan, tailnet, auto, custom'],
    [{ mode: 'cloud' }, '--mode must be one of local, remote'],
    [{ provider: 'anthropic' }, '--provider must be one of builtin, openai'],
  ])('refuses %p', (flags, text) => {
    expect(() => answersFromFlags(flags)).toThrow(text);
  });
});
