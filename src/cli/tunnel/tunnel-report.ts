import type { SshTunnelSpec } from './ssh-args';
import { describeFailure } from './ssh-diagnosis';
import { formatSshTarget } from './ssh-target';
import type { TunnelState } from './ssh-tunnel';

export interface ReportLine {
  stream: 'stdout' | 'stderr';
  text: string;
}

export interface ReportStyle {
  json: boolean;
  color: boolean;
}

const COLORS = { green: 32, red: 31, yellow: 33, dim: 2 } as const;

/** What `nestclaw tunnel ssh` prints for one state change. */
export function formatTunnelState(state: TunnelState, spec: SshTunnelSpec, style: ReportStyle, now: Date): ReportLine {
  if (style.json) return { stream: 'stdout', text: JSON.stringify(toJson(state, spec, now)) };
  const paint = (color: keyof typeof COLORS, text: string) => (style.color ? `\u001b[${COLORS[color]}m${text}\u001b[0m` : text);
  const time = now.toTimeString().slice(0, 8);
  const where = formatSshTarget(spec.target);
  switch (state.state) {
    case 'starting':
      return {
        stream: 'stdout',
        text:
          state.attempt === 1
            ? `${time} ${paint('dim', 'starting')} ssh to ${where}: 127.0.0.1:${spec.localPort} -> 127.0.0.1:${spec.remotePort} there`
            : `${time} ${paint('dim', 'starting')} ssh again (attempt ${state.attempt})`,
      };
    case 'up':
      return {
        stream: 'stdout',
        text: `${time} ${paint('green', 'up')} ${state.localUrl} reaches the gateway on ${where}${state.pid === undefined ? '' : ` (ssh pid ${state.pid})`}`,
      };
    case 'down': {
      const detail = describeFailure({ kind: state.kind, message: state.reason, fix: state.fix });
      // A failure that ends the tunnel is an error; one it recovers from is a status line.
      return state.willRetry
        ? { stream: 'stdout', text: `${time} ${paint('red', 'down')} ${detail}` }
        : { stream: 'stderr', text: `nestclaw: ${detail}` };
    }
    case 'restarting':
      return { stream: 'stdout', text: `${time} ${paint('yellow', 'restarting')} in ${(state.inMs / 1000).toFixed(1)} s` };
    case 'stopped':
      return {
        stream: 'stdout',
        text: `${time} ${paint('dim', 'stopped')}${state.failure ? ': not retrying until the problem above is fixed' : ''}`,
      };
  }
}

function toJson(state: TunnelState, spec: SshTunnelSpec, now: Date): Record<string, unknown> {
  const base = { time: now.toISOString(), ...state };
  if (state.state === 'starting') {
    return { ...base, target: formatSshTarget(spec.target), localPort: spec.localPort, remotePort: spec.remotePort };
  }
  return base;
}
