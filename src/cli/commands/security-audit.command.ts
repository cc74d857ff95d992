import type { Command } from 'commander';

export function registerSecurityAudit(program: Command): void {
  const security = program.command('security').description("check this host's gateway setup for risky settings");

  security
    .command('audit')
    .description(
      'report risky settings (exposure, weak secrets, file modes, open channels); exits 1 while a critical finding remains',
    )
    .option('--fix', 'apply the safe fixes (file and directory modes only) and report what changed')
    .option('--json', 'print {findings, fixed, critical} as JSON')
    .action(async (options) => (await import('./security-audit')).securityAudit(options));
}
