import {
  CliOverrides,
  ConfigError,
  configSourceFromProcess,
  loadConfigFromProcess,
  ResolvedConfig,
  withGatewayEnvFile,
} from '../../common/config';
import { formatFingerprint } from '../../common/net';
import { installLastResortHandlers, LastResortPolicy } from '../../common/process/last-resort';
import { acquireStateLock } from '../../common/state/state-lock';
import type { RunningGateway } from '../../main';
import { ExitCode, UsageError } from '../exit-codes';
import { loadServer } from '../load-server';

export interface GatewayRunOptions {
  port?: string;
  bind?: string;
  auth?: string;
  token?: string;
  password?: string;
  tailscale?: string;
  tailscaleResetOnExit?: boolean;
  verbose?: boolean;
  logFormat?: string;
}

/** `nestclaw gateway run`: loads config, starts the gateway, stops it cleanly on SIGINT/SIGTERM. */
export async function runGatewayCommand(options: GatewayRunOptions): Promise<void> {
  let config: ResolvedConfig;
  const overrides: CliOverrides = {
    port: options.port,
    bind: options.bind,
    auth: options.auth,
    token: options.token,
    password: options.password,
    tailscale: options.tailscale,
    tailscaleResetOnExit: options.tailscaleResetOnExit,
    logFormat: options.logFormat,
  };
  let env: NodeJS.ProcessEnv;
  try {
    // The unit loads gateway.env with EnvironmentFile=; a foreground run must see the same secrets.
    env = withGatewayEnvFile(process.env);
    config = loadConfigFromProcess(overrides, env);
  } catch (error) {
    if (error instanceof ConfigError) return fail(`${error.message}\nfix the listed keys and start again`, ExitCode.Usage);
    throw error;
  }

  const lock = acquireStateLock(config.stateDir);
  if (!lock.ok) {
    // Retryable (exit 1): under a supervisor the other instance may be on its way out.
    return fail(
      `another gateway (PID ${lock.pid}) is already running on the state dir ${config.stateDir}; ` +
        `stop it first (\`nestclaw gateway stop\` for the service, or \`kill ${lock.pid}\`), ` +
        'or give this one its own NESTCLAW_STATE_DIR',
      ExitCode.StartupRetryable,
    );
  }
  process.once('exit', () => lock.release());

  // A signal during start-up is honoured once the gateway is up, so the stop is still clean.
  const stop = signalStopper();

  // Nest loads only now, after the config is known to be good.
  let server: Awaited<ReturnType<typeof loadServer>>;
  try {
    server = await loadServer();
  } catch (error) {
    if (error instanceof UsageError) return fail(error.message, ExitCode.Usage);
    throw error;
  }
  const { startGateway, StartupError } = server;
  let gateway: RunningGateway;
  try {
    gateway = await startGateway({
      config,
      // Config edits and restarts in place resolve the file with the same flags, so --port or --token stay in force.
      configSource: configSourceFromProcess(overrides, env),
      // Info by default: pairing requests, node connects, agent runs and approvals are what an operator reads in journald.
      logLevels: options.verbose ? ['log', 'warn', 'error', 'debug', 'verbose'] : ['log', 'warn', 'error'],
    });
  } catch (error) {
    if (error instanceof StartupError)
      return fail(error.message, error.retryable ? ExitCode.StartupRetryable : ExitCode.StartupRefused);
    throw error;
  }
  // In json format every stdout line is one JSON record, the banner too.
  const say = (text: string) =>
    config.gateway.logging.format === 'json' ? gateway.log('info', 'Gateway', text) : console.log(text);
  say(describeStartup(config, gateway));
  // Installed only in the real daemon: tests that host a gateway in-process keep their own crash reporting.
  // Through the gateway's logger, so an error that echoes a secret is redacted and the line reaches the log file too.
  installLastResortHandlers(new LastResortPolicy((line) => gateway.log('error', 'LastResort', line)));
  stop.attach(gateway, say);
}

/** SIGINT, SIGTERM and SIGHUP stop the gateway cleanly; a second signal exits at once. */
function signalStopper(): { attach(gateway: RunningGateway, say: (text: string) => void): void } {
  let gateway: RunningGateway | undefined;
  let say: (text: string) => void = (text) => console.log(text);
  let requested: string | undefined;
  const stop = (signal: string) => {
    say(`received ${signal}, stopping the gateway`);
    gateway!.close().then(
      () => process.exit(ExitCode.Ok),
      (error: unknown) => {
        console.error(`nestclaw: the gateway did not stop cleanly: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(ExitCode.Failed);
      },
    );
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (requested) {
        console.error(`received ${signal} again, exiting without waiting`);
        process.exit(ExitCode.Failed);
      }
      requested = signal;
      if (gateway) stop(signal);
    });
  }
  return {
    attach(started, announce) {
      gateway = started;
      say = announce;
      if (requested) stop(requested);
    },
  };
}

function describeStartup(config: ResolvedConfig, gateway: RunningGateway): string {
  const [first, ...others] = gateway.hosts.map((host) => (host.includes(':') ? `[${host}]` : host));
  const scheme = gateway.tlsFingerprint ? 'wss' : 'ws';
  const also = others.length ? ` (also ${others.map((h) => `${scheme}://${h}:${gateway.port}`).join(', ')})` : '';
  const auth = config.gateway.auth;
  const http = `${gateway.tlsFingerprint ? 'https' : 'http'}://${first}:${gateway.port}`;
  const ui = config.gateway.controlUi;
  const lines = [
    `nestclaw gateway listening on ${gateway.url}${also}`,
    ...(ui.enabled
      ? [`  ui      ${http}${ui.basePath.replace(/\/?$/, '/')} (Control UI; sign in with the gateway ${auth.mode})`]
      : []),
    `  health  ${http}/healthz`,
    `  config  ${config.configPath}${config.configFileFound ? '' : ' (no file yet; defaults in use)'}`,
    `  state   ${config.stateDir}`,
  ];
  if (gateway.generatedToken) {
    lines.push(
      `  auth    token, ${gateway.generatedToken.created ? 'generated now and ' : ''}stored in ${gateway.generatedToken.path} (mode 0600)`,
      '          local nestclaw commands read it from there; for another client, copy it into that',
      "          client's gateway.remote.token or pass --token",
    );
  } else {
    lines.push(`  auth    ${auth.mode} from ${auth.source}`);
  }
  // Only the secret's mode was named so far; a Tailscale identity admits clients without it.
  if (auth.allowTailscale) lines.push('          also a Tailscale Serve identity (gateway.auth.allowTailscale)');
  const tailscale = describeTailscale(config, gateway);
  if (tailscale) lines.push(tailscale);
  if (gateway.tlsFingerprint && gateway.tlsCertificate) {
    const certificate = gateway.tlsCertificate;
    const fingerprint = formatFingerprint(gateway.tlsFingerprint);
    lines.push(
      certificate.generated
        ? `  tls     self-signed certificate, ${certificate.created ? 'generated now in' : 'from'} ${certificate.path}`
        : `  tls     certificate from ${certificate.path} (gateway.tls.certPath)`,
      `          SHA-256 ${fingerprint}`,
      `          clients pin it with --tls-fingerprint ${fingerprint}`,
      '          or gateway.remote.tlsFingerprint in their config',
    );
  }
  return lines.join('\n');
}

function describeTailscale(config: ResolvedConfig, gateway: RunningGateway): string | undefined {
  const { mode, state, url } = gateway.tailscale;
  if (mode === 'off') return undefined;
  // The fix is in the [Tailscale] warning logged just before.
  if (state !== 'active') return `  ${mode.padEnd(7)} not active (${state}); see the Tailscale warning above`;
  const reach = mode === 'serve' ? 'tailnet only' : 'public internet, password required';
  const reset = config.gateway.tailscale.resetOnExit ? '; removed when the gateway stops' : '';
  return `  ${mode.padEnd(7)} ${url} (${reach}${reset})`;
}

function fail(message: string, code: number): void {
  console.error(`nestclaw: ${message}`);
  process.exitCode = code;
}
