import type { AuditCheck } from './audit.types';

const SYSTEM_RUN = 'system.run';

/** The node command patterns of docs/protocol.md: `*`, `prefix.*`, or an exact name. */
function matches(patterns: readonly string[], command: string): boolean {
  return patterns.some((pattern) => {
    if (pattern === '*') return true;
    if (pattern.endsWith('.*')) return command.startsWith(pattern.slice(0, -1)) && command.length > pattern.length - 1;
    return pattern === command;
  });
}

export const checkExecWithoutAllowlist: AuditCheck = ({ config }) => {
  const exec = config.tools.exec;
  if (!exec.enabled || (exec.allowlist.length > 0 && !exec.allowlist.includes('*'))) return [];
  return [
    {
      id: 'tools.exec.no-allowlist',
      // With ask on, a person approves each command; without it the model alone decides.
      severity: exec.ask ? 'warn' : 'critical',
      message:
        `tools.exec is enabled without an allowlist${exec.allowlist.includes('*') ? ' ("*" allows everything)' : ''}: ` +
        `the agent may run any command on the gateway host${exec.ask ? ' once someone approves it' : ''}`,
      fix: 'list the programs the agent may run in tools.exec.allowlist, or set tools.exec.enabled: false',
    },
  ];
};

export const checkNodeSystemRun: AuditCheck = ({ config }) => {
  const { allowCommands, denyCommands } = config.gateway.nodes;
  if (matches(denyCommands, SYSTEM_RUN)) return [];
  const explicit = matches(allowCommands, SYSTEM_RUN);
  return [
    {
      id: 'gateway.nodes.system-run',
      severity: explicit ? 'warn' : 'info',
      message: explicit
        ? `gateway.nodes.allowCommands allows system.run (${allowCommands.filter((p) => matches([p], SYSTEM_RUN)).join(', ')}) and denyCommands does not deny it: the agent may run commands on any paired node that offers it`
        : 'paired desktop and server nodes may be asked to run system.run (a platform default) and gateway.nodes.denyCommands does not deny it',
      fix: 'add "system.run" to gateway.nodes.denyCommands if no node should run commands; otherwise keep each node host on --exec allowlist',
    },
  ];
};

export const checkTelegramOpenDms: AuditCheck = ({ config }) => {
  const telegram = config.channels.telegram;
  if (!telegram.enabled || telegram.dmPolicy !== 'open') return [];
  return [
    {
      id: 'channels.telegram.dm-open',
      severity: 'critical',
      message:
        'channels.telegram.dmPolicy is "open": anyone who finds the bot can talk to your agent, use its tools and spend your model credits',
      fix: 'set channels.telegram.dmPolicy to "pairing" (strangers get a code you approve) or "allowlist" with channels.telegram.allowFrom',
    },
  ];
};
