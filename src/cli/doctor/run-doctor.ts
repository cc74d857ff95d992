import type { ResolvedConfig } from '../../common/config';
import { ExitCode, UsageError } from '../exit-codes';
import { loadCliConfig } from '../run-gateway-command';
import { GatewayTarget, resolveTarget, TargetFlags } from '../target';
import { HopFailure, HopName, HopResult } from './doctor.types';
import { checkService, checkStateDir, checkTailscale, portOwner } from './host-checks';
import { checkDns, checkTcp, checkTls, checkUpgrade, endpointOf } from './network-hops';
import { checkSession } from './session-hops';

export interface DoctorOptions extends TargetFlags {
  timeoutMs: number;
  /** Also check that a browser page from this Origin may open the socket. */
  origin?: string;
  scopes?: string[];
}

export interface DoctorReport {
  ok: boolean;
  target?: { url: string; source: string; credentialSource?: string };
  hops: HopResult[];
  /** The hop the walk stopped at, when one failed. */
  failedAt?: HopName;
  exitCode: number;
}

const NETWORK_HOPS: readonly HopName[] = ['dns', 'tcp', 'tls', 'upgrade'];

/**
 * Walks from this machine to a working gateway session, one hop at a time,
 * and stops at the first failure: later hops cannot be judged once an
 * earlier one is broken, and the first failure is the one to fix.
 */
export async function runDoctor(options: DoctorOptions, load: () => ResolvedConfig = loadCliConfig): Promise<DoctorReport> {
  const hops: HopResult[] = [];
  let config: ResolvedConfig;
  let target: GatewayTarget;
  try {
    config = load();
    target = resolveTarget(config, options);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    hops.push({ hop: 'config', status: 'fail', detail: error.message, fix: 'fix the flag or config key named above' });
    return finish(hops, undefined);
  }
  hops.push({ hop: 'config', status: 'ok', detail: configDetail(target) });
  const onGatewayHost = target.urlSource.startsWith('local gateway');
  if (onGatewayHost) hops.push(checkStateDir(config), checkService());

  const endpoint = endpointOf(target.url);
  const step = async (hop: HopName, work: () => Promise<string | undefined>): Promise<boolean> => {
    try {
      const detail = await work();
      hops.push(
        detail === undefined
          ? { hop, status: 'skip', detail: 'plain ws:// (no TLS on this URL)' }
          : { hop, status: 'ok', detail },
      );
      return true;
    } catch (error) {
      if (!(error instanceof HopFailure)) throw error;
      hops.push({ hop, status: 'fail', detail: error.message, fix: error.fix });
      return false;
    }
  };

  let address = endpoint.host;
  const reached =
    (await step('dns', async () => {
      const found = await checkDns(target, endpoint);
      address = found.address;
      return found.detail;
    })) &&
    (await step('tcp', async () => {
      const detail = await checkTcp(target, endpoint, address, options.timeoutMs);
      const owner = onGatewayHost ? portOwner(endpoint.port) : undefined;
      return owner ? `${detail}; listening: ${owner}` : detail;
    })) &&
    (await step('tls', () => checkTls(target, endpoint, address, options.timeoutMs))) &&
    (await step('upgrade', () => checkUpgrade(target, endpoint, address, options.origin, options.timeoutMs)));
  if (!reached) return finish(hops, target);

  hops.push(...(await checkSession(target, { timeoutMs: options.timeoutMs, scopes: options.scopes })));
  if (hops.some((hop) => hop.status === 'fail')) return finish(hops, target);
  if (onGatewayHost) hops.push(await checkTailscale(config));
  return finish(hops, target);
}

function configDetail(target: GatewayTarget): string {
  const auth = target.credentialSource ? `secret from ${target.credentialSource}` : 'no secret';
  return `${target.url} (from ${target.urlSource}); ${auth}; config ${target.configPath}`;
}

function finish(hops: HopResult[], target: GatewayTarget | undefined): DoctorReport {
  const failed = hops.find((hop) => hop.status === 'fail');
  return {
    ok: failed === undefined,
    ...(target ? { target: { url: target.url, source: target.urlSource, credentialSource: target.credentialSource } } : {}),
    hops,
    ...(failed ? { failedAt: failed.hop } : {}),
    exitCode: exitCodeFor(failed?.hop),
  };
}

/** The CLI's promised exit codes: 3 nothing tried, 2 nothing usable answered, 1 the gateway answered with a refusal. */
function exitCodeFor(failed: HopName | undefined): number {
  if (failed === undefined) return ExitCode.Ok;
  if (failed === 'config') return ExitCode.Usage;
  if (NETWORK_HOPS.includes(failed)) return ExitCode.Unreachable;
  return ExitCode.GatewayError;
}

const MARKS: Record<HopResult['status'], string> = { ok: '✓', fail: '✗', warn: '!', skip: '–' };

export function renderDoctor(report: DoctorReport): string[] {
  const width = Math.max(...report.hops.map((hop) => hop.hop.length));
  const lines = report.target ? [`nestclaw doctor: ${report.target.url} (from ${report.target.source})`] : ['nestclaw doctor'];
  for (const hop of report.hops) {
    lines.push(`  ${MARKS[hop.status]} ${hop.hop.padEnd(width)}  ${hop.detail}`);
    if (hop.fix) lines.push(`    ${' '.repeat(width)}  fix: ${hop.fix}`);
  }
  lines.push(
    report.failedAt
      ? `stopped at "${report.failedAt}": apply the fix above and run \`nestclaw doctor\` again`
      : 'every hop works: commands on this machine reach the gateway',
  );
  return lines;
}
