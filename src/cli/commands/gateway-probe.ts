import { GatewayClientError } from '../../common/client';
import type { ResolvedConfig } from '../../common/config';
import { ExitCode, UsageError } from '../exit-codes';
import { describeFailure } from '../failure';
import { parseTimeout, withGateway } from '../gateway-session';
import { printJson, printLines } from '../output';
import { loadCliConfig, reportFailure } from '../run-gateway-command';
import { GatewayTarget, resolveTarget } from '../target';
import { parseSshOption, TunnelError, withTemporaryTunnel } from '../tunnel';
import type { TargetOptions } from './target-options';

export interface ProbeOptions extends TargetOptions {
  ssh?: string;
  sshIdentity?: string;
  sshOption?: string[];
}

export interface ProbeResult {
  name: string;
  url: string;
  source: string;
  reachable: boolean;
  authenticated: boolean;
  version?: string;
  host?: string;
  problem?: string;
  fix?: string;
}

/**
 * `nestclaw gateway probe`: tries every gateway this machine is set up to
 * reach (an explicit --url, the remote URL, through SSH, and loopback) and
 * reports each, so a user sees at once which path works.
 */
export async function probe(options: ProbeOptions): Promise<void> {
  try {
    const config = loadCliConfig();
    const timeoutMs = parseTimeout(options.timeout);
    const results: ProbeResult[] = [];
    for (const candidate of candidates(config, options)) results.push(await probeOne(candidate, timeoutMs));
    const ssh = options.ssh ?? config.gateway.remote?.sshTarget;
    if (ssh) results.push(await probeThroughSsh(config, options, ssh, timeoutMs));

    if (options.json) printJson(results);
    else printLines(results.flatMap(render));
    process.exitCode = probeExitCode(results);
  } catch (error) {
    reportFailure(error, undefined, options.json);
  }
}

function candidates(config: ResolvedConfig, options: ProbeOptions): Array<{ name: string; target: GatewayTarget }> {
  const list: Array<{ name: string; target: GatewayTarget }> = [];
  if (options.url) list.push({ name: 'given URL', target: resolveTarget(config, options) });
  if (config.gateway.remote?.url) {
    const remoteConfig = { ...config, gateway: { ...config.gateway, mode: 'remote' as const } };
    list.push({ name: 'remote', target: resolveTarget(remoteConfig, withoutUrl(options)) });
  }
  const localConfig = { ...config, gateway: { ...config.gateway, mode: 'local' as const } };
  list.push({ name: 'loopback', target: resolveTarget(localConfig, withoutUrl(options)) });
  return list;
}

async function probeOne(candidate: { name: string; target: GatewayTarget }, timeoutMs: number): Promise<ProbeResult> {
  const { name, target } = candidate;
  const base = { name, url: target.url, source: target.urlSource };
  try {
    const status = await withGateway(target, timeoutMs, (client) => client.call('status'));
    return { ...base, reachable: true, authenticated: true, version: status.version, host: status.host };
  } catch (error) {
    const failure = describeFailure(error, target);
    // A refused handshake still proves a gateway answered there.
    const reachable = error instanceof GatewayClientError && error.kind === 'handshake-refused';
    return {
      ...base,
      reachable,
      authenticated: false,
      problem: error instanceof Error ? error.message : String(error),
      fix: failure.json.fix as string | undefined,
    };
  }
}

async function probeThroughSsh(
  config: ResolvedConfig,
  options: ProbeOptions,
  ssh: string,
  timeoutMs: number,
): Promise<ProbeResult> {
  const remotePort = config.file.gateway?.port ?? config.gateway.port;
  const identity = options.sshIdentity ?? config.gateway.remote?.sshIdentity;
  const sshOptions = (options.sshOption ?? []).map((given) => {
    const parsed = parseSshOption(given);
    if (!parsed.ok) throw new UsageError(parsed.error);
    return parsed.value;
  });
  const tunnelOptions = { target: ssh, remotePort, identity, sshOptions, timeoutMs: Math.max(timeoutMs, 20_000) };
  try {
    return await withTemporaryTunnel(tunnelOptions, async (localUrl) => {
      const remoteConfig = {
        ...config,
        gateway: { ...config.gateway, mode: 'remote' as const, remote: { ...config.gateway.remote, url: localUrl } },
      };
      const target = { ...resolveTarget(remoteConfig, withoutUrl(options)), urlSource: `SSH tunnel to ${ssh}` };
      return probeOne({ name: 'ssh', target }, timeoutMs);
    });
  } catch (error) {
    if (!(error instanceof TunnelError)) throw error;
    return {
      name: 'ssh',
      url: `ssh://${ssh}`,
      source: options.ssh ? '--ssh' : 'gateway.remote.sshTarget',
      reachable: false,
      authenticated: false,
      problem: error.failure.message,
      fix: error.failure.fix,
    };
  }
}

/** Secrets given with --url are for that URL only; the other candidates use their own. */
function withoutUrl(options: ProbeOptions): ProbeOptions {
  if (!options.url) return options;
  return { ...options, url: undefined, token: undefined, password: undefined };
}

function render(result: ProbeResult): string[] {
  const state = result.authenticated
    ? `ok: nestclaw ${result.version} on ${result.host}`
    : result.reachable
      ? 'a gateway answered, but refused the credentials'
      : 'no gateway';
  const lines = [`${result.name.padEnd(9)} ${result.url} (from ${result.source}): ${state}`];
  if (result.problem && !result.authenticated) lines.push(`          ${result.problem}`);
  if (result.fix && !result.authenticated) lines.push(`          fix: ${result.fix}`);
  return lines;
}

/**
 * 0 only when some gateway accepted the credentials: a script asking "can I
 * reach my gateway?" must not hear yes from one that refused us. 1 when a
 * gateway answered but refused, 2 when none answered.
 */
export function probeExitCode(results: readonly ProbeResult[]): number {
  if (results.some((result) => result.authenticated)) return ExitCode.Ok;
  return results.some((result) => result.reachable) ? ExitCode.GatewayError : ExitCode.Unreachable;
}
