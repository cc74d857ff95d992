import type { ExecApprovalDecision, ExecApprovalRequest, ExecApprovalResolution } from '../../common/protocol';
import { table } from '../output';
import { runGatewayCommand } from '../run-gateway-command';
import type { TargetOptions } from './target-options';
import { formatAge } from './time-format';

type PendingApproval = ExecApprovalRequest;

type Resolution = ExecApprovalResolution;

export function list(options: TargetOptions): Promise<void> {
  return runGatewayCommand<{ pending: PendingApproval[] }>(options, {
    call: (client) => client.call('exec.approval.list'),
    render: ({ pending }) => renderApprovals(pending),
  });
}

export function allow(id: string, options: TargetOptions & { always?: boolean }): Promise<void> {
  return resolve(id, options.always ? 'allow-always' : 'allow-once', options);
}

export function deny(id: string, options: TargetOptions): Promise<void> {
  return resolve(id, 'deny', options);
}

function resolve(id: string, decision: ExecApprovalDecision, options: TargetOptions): Promise<void> {
  return runGatewayCommand<Resolution>(options, {
    call: (client) => client.call('exec.approval.resolve', { id, decision }),
    render: (r) => [`${r.id}: ${DONE[r.decision]}`],
  });
}

const DONE: Record<ExecApprovalDecision, string> = {
  'allow-once': 'allowed once; the program runs now',
  'allow-always': "allowed always for this exact command line; it runs now and is added to that host's allowlist",
  deny: 'denied; the program does not run',
};

/**
 * One line per prompt with everything the decision is about: the whole
 * argv, the directory and every variable the caller set. Nothing is cut:
 * an operator must never approve what they were not shown.
 */
export function renderApprovals(pending: PendingApproval[], now = Date.now()): string[] {
  if (pending.length === 0) return ['no exec approval is waiting'];
  return table(pending.map((p) => [p.id, describePending(p, now)]));
}

function describePending(p: PendingApproval, now: number): string {
  const where = p.host === 'gateway' ? 'gateway host' : `node ${p.hostName ?? p.nodeId?.slice(0, 12) ?? '?'}`;
  const env = Object.entries(p.env ?? {});
  return [
    `${where} wants to run ${p.argv.map((arg) => JSON.stringify(arg)).join(' ')}`,
    p.resolvedPath ? ` (${p.resolvedPath})` : '',
    p.cwd ? ` in ${JSON.stringify(p.cwd)}` : '',
    env.length > 0 ? ` with env ${env.map(([name, value]) => `${name}=${JSON.stringify(value)}`).join(' ')}` : ' with no env',
    p.sessionKey ? `, session ${p.sessionKey}` : '',
    `; expires in ${formatAge(p.expiresAtMs - now)}`,
  ].join('');
}
