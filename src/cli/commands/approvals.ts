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
  'allow-always': "allowed always; the program runs now and is added to that host's allowlist",
  deny: 'denied; the program does not run',
};

export function renderApprovals(pending: PendingApproval[], now = Date.now()): string[] {
  if (pending.length === 0) return ['no exec approval is waiting'];
  return table(
    pending.map((p) => [
      p.id,
      `${p.host === 'gateway' ? 'gateway host' : `node ${p.hostName ?? p.nodeId?.slice(0, 12) ?? '?'}`} wants to run ${p.argv
        .map((arg) => JSON.stringify(arg))
        .join(' ')}${p.resolvedPath ? ` (${p.resolvedPath})` : ''}${p.cwd ? ` in ${p.cwd}` : ''}${
        p.sessionKey ? `, session ${p.sessionKey}` : ''
      }; expires in ${formatAge(p.expiresAtMs - now)}`,
    ]),
  );
}
