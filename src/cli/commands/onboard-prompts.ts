import { isIP } from 'node:net';
import { createInterface, Interface } from 'node:readline/promises';
import { Writable } from 'node:stream';
import { AGENT_PROVIDERS, AUTH_MODES, DM_POLICIES, TAILSCALE_MODES } from '../../common/config/config.constants';
import { DEFAULT_GATEWAY_PORT } from '../../common/protocol/constants';
import { isNetworkBind, OnboardAnswers, passwordProblem, remoteUrlProblem, TELEGRAM_TOKEN, tokenProblem } from './onboard-plan';

/** stdin ended before every question was answered. */
export class InputEndedError extends Error {
  override name = 'InputEndedError';
}

interface AskOptions {
  default?: string;
  /** Not echoed on a terminal. */
  secret?: boolean;
  /** A problem to show before asking again, or undefined when the answer is fine. */
  validate?: (answer: string) => string | undefined;
}

/**
 * Questions over readline. Lines are read through the interface's async
 * iterator, which buffers them: piped input that arrives all at once is not
 * lost between two questions.
 */
export class Prompter {
  private readonly rl: Interface;
  private readonly lines: AsyncIterator<string>;
  private readonly terminal: boolean;
  private muted = false;
  private cancelled = false;

  constructor(
    input: NodeJS.ReadableStream & { isTTY?: boolean },
    private readonly output: NodeJS.WritableStream,
  ) {
    this.terminal = Boolean(input.isTTY);
    // Echo of typed characters goes through this stream, so muting it hides a secret as it is typed.
    const echo = new Writable({
      write: (chunk, _encoding, done) => {
        if (!this.muted) output.write(chunk);
        done();
      },
    });
    this.rl = createInterface({ input, output: echo, terminal: this.terminal });
    // On a terminal readline turns Ctrl-C into this event; without a listener it would only pause the prompt.
    this.rl.on('SIGINT', () => {
      this.cancelled = true;
      this.output.write('\n');
      this.rl.close();
    });
    this.lines = this.rl[Symbol.asyncIterator]();
  }

  say(...lines: string[]): void {
    this.output.write(`${lines.join('\n')}\n`);
  }

  async ask(question: string, options: AskOptions = {}): Promise<string> {
    for (;;) {
      this.rl.setPrompt(`${question}${options.default !== undefined && options.default !== '' ? ` [${options.default}]` : ''}: `);
      this.rl.prompt();
      this.muted = Boolean(options.secret);
      const next = await this.lines.next();
      this.muted = false;
      // Without a terminal (piped input) nothing echoes the answer, and with a muted one the newline was swallowed.
      if (!this.terminal || options.secret) this.output.write('\n');
      if (next.done)
        throw new InputEndedError(this.cancelled ? 'onboarding cancelled' : 'input ended before onboarding finished');
      const answer = next.value.trim() || options.default || '';
      const problem = options.validate?.(answer);
      if (!problem) return answer;
      this.say(`  ${problem}`);
    }
  }

  async choose<T extends string>(question: string, choices: readonly T[], fallback: T): Promise<T> {
    const answer = await this.ask(`${question} (${choices.join(', ')})`, {
      default: fallback,
      validate: (value) => ((choices as readonly string[]).includes(value) ? undefined : `answer one of: ${choices.join(', ')}`),
    });
    return answer as T;
  }

  async confirm(question: string, fallback: boolean): Promise<boolean> {
    const answer = await this.ask(`${question} (y/n)`, {
      default: fallback ? 'y' : 'n',
      validate: (value) => (/^(y|yes|n|no)$/i.test(value) ? undefined : 'answer y or n'),
    });
    return /^y/i.test(answer);
  }

  close(): void {
    this.rl.close();
  }
}

const required = (what: string) => (value: string) => (value ? undefined : `${what} is required`);

/** The interactive first-run questions; each answer is checked as it is given. */
export async function askOnboardAnswers(p: Prompter): Promise<OnboardAnswers> {
  p.say(
    'nestclaw onboard: a few questions, then a config file. Press Enter to take the [default].',
    '',
    'local  = the gateway runs on this machine',
    'remote = this machine only runs the nestclaw CLI against a gateway elsewhere',
  );
  const mode = await p.choose('Mode', ['local', 'remote'] as const, 'local');
  if (mode === 'remote') {
    const remoteUrl = await p.ask('Gateway URL, e.g. ws://127.0.0.1:18789 through an SSH tunnel', {
      validate: (value) => required('the URL')(value) ?? remoteUrlProblem(value),
    });
    const remoteToken = await p.ask('Gateway token (stored in the config file, mode 0600; empty to pass --token each time)', {
      secret: true,
    });
    return { mode, remoteUrl, remoteToken: remoteToken || undefined };
  }

  const port = Number(
    await p.ask('Port', {
      default: String(DEFAULT_GATEWAY_PORT),
      validate: (value) =>
        /^\d+$/.test(value) && Number(value) >= 1 && Number(value) <= 65535 ? undefined : 'a port is a number from 1 to 65535',
    }),
  );
  p.say('', 'Bind: "loopback" keeps the gateway on this machine; reach it remotely through an SSH tunnel or Tailscale Serve.');
  const bind = await p.choose('Bind', ['loopback', 'lan', 'tailnet', 'custom'] as const, 'loopback');
  const customBindHost =
    bind === 'custom'
      ? await p.ask('Address to listen on (an IP address of this host)', {
          validate: (value) => (isIP(value) ? undefined : 'that is not an IP address'),
        })
      : undefined;

  const network = isNetworkBind(bind, customBindHost);
  let tailscale: OnboardAnswers['tailscale'];
  if (!network) {
    p.say(
      'Tailscale: "serve" publishes the gateway to your tailnet over HTTPS; "funnel" to the whole internet (password required).',
    );
    tailscale = await p.choose('Tailscale', TAILSCALE_MODES, 'off');
  }
  let auth: OnboardAnswers['auth'] = 'password';
  if (tailscale === 'funnel') p.say('Funnel is public: the gateway will use password auth.');
  else auth = await p.choose('Auth', AUTH_MODES, 'token');
  const answers: OnboardAnswers = {
    mode,
    port,
    bind,
    customBindHost,
    tailscale: tailscale === 'off' ? undefined : tailscale,
    auth,
  };
  if (auth === 'token') {
    if (await p.confirm('Generate a new random gateway token?', true)) {
      answers.generateToken = true;
    } else {
      const token = await p.ask(network ? 'Token' : 'Token (empty: the gateway generates one on first start)', {
        secret: true,
        validate: (value) => (value ? tokenProblem(value) : network ? 'a non-loopback bind needs a token' : undefined),
      });
      answers.token = token || undefined;
    }
  } else {
    answers.password = await p.ask('Password', {
      secret: true,
      validate: (value) => required('a password')(value) ?? passwordProblem(value),
    });
  }

  p.say('');
  if (await p.confirm('Connect a Telegram bot (token from @BotFather)?', false)) {
    answers.telegramToken = await p.ask('Bot token', {
      secret: true,
      validate: (value) => (TELEGRAM_TOKEN.test(value) ? undefined : 'a bot token looks like 123456789:AA... (from @BotFather)'),
    });
    p.say('Who may message the bot: pairing = strangers get a code you approve; allowlist = listed ids only; open = anyone.');
    answers.dmPolicy = await p.choose('DM policy', DM_POLICIES, 'pairing');
    if (answers.dmPolicy === 'allowlist') {
      const ids = await p.ask('Allowed Telegram user ids, comma-separated', {
        validate: (value) => (/^\s*-?\d+(\s*,\s*-?\d+)*\s*$/.test(value) ? undefined : 'numbers separated by commas'),
      });
      answers.allowFrom = ids.split(',').map((id) => id.trim());
    }
  }

  p.say('');
  answers.provider = await p.choose(
    'Model provider: builtin (no model, built-in commands) or openai (any OpenAI-compatible endpoint)',
    AGENT_PROVIDERS,
    'builtin',
  );
  if (answers.provider === 'openai') {
    answers.model = await p.ask('Model', { default: 'gpt-4o-mini' });
    answers.baseUrl =
      (await p.ask('Base URL (empty for api.openai.com)', {
        validate: (value) => (!value || /^https?:\/\//.test(value) ? undefined : 'a base URL starts with http:// or https://'),
      })) || undefined;
    answers.apiKey = (await p.ask('API key (empty: set OPENAI_API_KEY later)', { secret: true })) || undefined;
  }
  return answers;
}
