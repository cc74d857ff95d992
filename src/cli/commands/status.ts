import type { GatewayClient } from '../../common/client';
import type { ResolvedConfig } from '../../common/config';
import type { HealthSnapshot } from '../../common/protocol';
import { describeFailure } from '../failure';
import { parseTimeout, withGateway } from '../gateway-session';
import { printJson, printLines, table, terminalSafe, withProgress } from '../output';
import { loadCliConfig, reportFailure } from '../run-gateway-command';
import { GatewayTarget, resolveTarget } from '../target';
import { renderGatewayStatus } from './gateway-calls';
import type { TargetOptions } from './target-options';

/** `nestclaw status`: what this machine's config says, and with --deep what the gateway says. */
export async function status(options: TargetOptions & { deep?: boolean }): Promise<void> {
  let target: GatewayTarget | undefined;
  try {
    const config = loadCliConfig();
    target = resolveTarget(config, options);
    const local = localSummary(config, target);
    if (!options.deep) {
      if (options.json) printJson(local);
      else printLines(renderLocal(local));
      return;
    }
    const resolved = target;
    const deep = await withProgress(`contacting ${target.url}`, Boolean(options.json), () =>
      withGateway(resolved, parseTimeout(options.timeout), (client) => probeDeep(client)),
    ).catch((error: unknown) => ({ error }));
    if ('error' in deep) {
      const failure = describeFailure(deep.error, target);
      if (options.json) printJson({ ...local, gateway: failure.json });
      else {
        printLines(renderLocal(local));
        process.stderr.write(`nestclaw: ${terminalSafe(failure.message)}\n`);
      }
      process.exitCode = failure.exitCode;
      return;
    }
    if (options.json) printJson({ ...local, gateway: deep });
    else printLines([...renderLocal(local), '', ...renderGatewayStatus(deep.status), ...renderHealth(deep.health)]);
  } catch (error) {
    reportFailure(error, target, options.json);
  }
}

interface LocalSummary {
  configPath: string;
  configFound: boolean;
  stateDir: string;
  mode: string;
  target: { url: string; source: string; credentials: string | null; tlsFingerprint: string | null };
  /** Only in local mode: in remote mode this machine runs no gateway, so its bind, port and auth mean nothing. */
  bind?: string;
  port?: { value: number; source: string };
  auth?: { mode: string; source: string };
}

function localSummary(config: ResolvedConfig, target: GatewayTarget): LocalSummary {
  const gateway = config.gateway;
  const summary: LocalSummary = {
    configPath: config.configPath,
    configFound: config.configFileFound,
    stateDir: config.stateDir,
    mode: gateway.mode,
    target: {
      url: target.url,
      source: target.urlSource,
      credentials: target.credentialSource ?? null,
      tlsFingerprint: target.tlsFingerprint ?? null,
    },
  };
  if (gateway.mode === 'remote') return summary;
  return {
    ...summary,
    bind: gateway.bind,
    port: { value: gateway.port, source: gateway.portSource },
    auth: { mode: gateway.auth.mode, source: gateway.auth.source ?? 'generated token file' },
  };
}

function renderLocal(s: LocalSummary): string[] {
  const remote = s.mode === 'remote';
  return table([
    ['config', `${s.configPath}${s.configFound ? '' : ' (not found; defaults)'}`],
    // In remote mode the state dir holds only this client's identity and device tokens.
    [remote ? 'client state' : 'state', s.stateDir],
    ['mode', remote ? 'remote (the gateway runs elsewhere; --deep asks it)' : s.mode],
    ['target', `${s.target.url} (from ${s.target.source})`],
    ['credentials', s.target.credentials ?? 'none found'],
    ...(s.bind !== undefined && s.port ? [['bind', `${s.bind}, port ${s.port.value} (from ${s.port.source})`]] : []),
    ...(s.auth ? [['auth', `${s.auth.mode} (from ${s.auth.source})`]] : []),
  ]);
}

async function probeDeep(client: GatewayClient) {
  const [status, health] = await Promise.all([client.call('status'), client.call('health')]);
  return { status, health };
}

function renderHealth(health: HealthSnapshot): string[] {
  const channels = Object.entries(health.channels ?? {});
  return [
    '',
    'channels:',
    ...(channels.length === 0
      ? ['  none configured']
      : table(
          channels.map(([id, c]) => [id, `${c.running ? 'running' : 'stopped'}${c.lastError ? `  (${c.lastError})` : ''}`]),
          '  ',
        )),
    `nodes: ${health.nodes?.connected ?? 0} connected`,
  ];
}
