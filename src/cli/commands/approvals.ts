import type { ExecApprovalDecision, ExecApprovalRequest } from '../../common/protocol/exec-approval';
import { table } from '../output';
import { runGatewayCommand } from '../run-gateway-command';
import type { TargetOptions } from './target-options';
import { formatAge } from './time-format';

type PendingApproval = ExecApprovalRequest;

interface Resolution {
  id: string;
  decision: ExecApprovalDecision;
  decidedBy: string | null;
  ts: number;
}

export function list(options: TargetOptions): Promise<void> {
  return runGatewayCommand<{ pending: PendingApproval[] }>(options, {
    call: async (client) => (await client.request('exec.approval.list')) as { pending: PendingApproval[] },
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
    call: async (client) => (await client.request('exec.approval.resolve', { id, decision })) as Resolution,
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
