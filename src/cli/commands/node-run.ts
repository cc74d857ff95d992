import type { ExecPolicy } from '../../node-host/exec-policy';
import { createNodeHost } from '../../node-host/create-node-host';
import type { NodeHost } from '../../node-host/node-host';
import { formatNodeHostEvent } from '../../node-host/node-host-report';
import { ExitCode, UsageError } from '../exit-codes';
import { loadCliConfig, reportFailure } from '../run-gateway-command';
import { GatewayTarget, resolveTarget } from '../target';
import type { ResolvedConfig } from '../../common/config';
import { NODE_PASSWORD_ENV, NODE_TLS_FINGERPRINT_ENV, NODE_TOKEN_ENV, NODE_URL_ENV } from './node-install-unit';

export interface NodeRunOptions {
  url?: string;
  token?: string;
  password?: string;
  tlsFingerprint?: string;
  displayName?: string;
  exec: ExecPolicy;
  /** commander's negated --no-remote-policy: true unless given. */
  remotePolicy?: boolean;
  browser?: boolean;
  browserAllowUrl?: string[];
  json?: boolean;
}

/** `nestclaw node run`: the node host in the foreground until SIGINT/SIGTERM; exits 0 when stopped that way. */
export async function runNodeHostCommand(options: NodeRunOptions): Promise<void> {
  let target: GatewayTarget | undefined;
  let host: NodeHost;
  try {
    const config = loadCliConfig();
    target = resolveNodeTarget(config, options, process.env);
    if (options.displayName !== undefined && options.displayName.trim() === '')
      throw new UsageError('--display-name must not be empty');
    host = createNodeHost({
      url: target.url,
      token: target.token,
      password: target.password,
      credentialSource: target.credentialSource,
      tlsFingerprint: target.tlsFingerprint,
      stateDir: target.stateDir,
      displayName: options.displayName,
      execPolicy: options.exec,
      remotePolicy: options.remotePolicy !== false,
      ...(options.browser ? { browser: { allowUrls: options.browserAllowUrl ?? [] } } : {}),
    });
  } catch (error) {
    // A corrupt device identity is a local state problem: nothing was tried.
    reportFailure(
      error instanceof UsageError || target === undefined ? error : new UsageError(errorText(error)),
      target,
      options.json,
    );
    return;
  }

  host.onEvent((event) => {
    const line = formatNodeHostEvent(event, Boolean(options.json), new Date());
    (line.stream === 'stdout' ? process.stdout : process.stderr).write(`${line.text}\n`);
  });
  const removeSignalHandlers = stopOnSignals(host);
  host.start();
  await host.stopped();
  removeSignalHandlers();
  process.exitCode = ExitCode.Ok;
  // Everything is closed by now; should a stray handle remain, a supervisor's stop must still end the process.
  setTimeout(() => process.exit(ExitCode.Ok), 5_000).unref();
}

/**
 * Flags first. Without --url, the pair `nestclaw node install` writes to
 * node.env (NESTCLAW_NODE_URL with its token or password) is used, so a
 * unit never carries the secret on its command line; the pair travels
 * together, so a secret is only ever sent to the URL it was written with.
 */
export function resolveNodeTarget(
  config: ResolvedConfig,
  options: NodeRunOptions,
  env: Readonly<Record<string, string | undefined>>,
): GatewayTarget {
  const url = env[NODE_URL_ENV];
  if (options.url !== undefined || !url) return resolveTarget(config, options);
  const token = env[NODE_TOKEN_ENV] || undefined;
  const password = env[NODE_PASSWORD_ENV] || undefined;
  if (!token && !password)
    throw new UsageError(
      `${NODE_URL_ENV} is set without ${NODE_TOKEN_ENV} or ${NODE_PASSWORD_ENV}; run \`nestclaw node install --url ... --token ...\` again`,
    );
  const target = resolveTarget(config, {
    url,
    ...(token ? { token } : { password }),
    tlsFingerprint: options.tlsFingerprint ?? (env[NODE_TLS_FINGERPRINT_ENV] || undefined),
  });
  return { ...target, urlSource: NODE_URL_ENV, credentialSource: token ? NODE_TOKEN_ENV : NODE_PASSWORD_ENV };
}

/** The first SIGINT/SIGTERM stops the node cleanly; a second one exits at once. */
function stopOnSignals(host: NodeHost): () => void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      process.stderr.write(`received ${signal} again, exiting without waiting\n`);
      process.exit(ExitCode.Failed);
    }
    stopping = true;
    void host.stop(signal);
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
  signals.forEach((signal) => process.on(signal, onSignal));
  return () => signals.forEach((signal) => process.off(signal, onSignal));
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
