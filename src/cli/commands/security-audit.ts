import { applySafeFixes, AUDIT_CHECKS, auditConfig, CLIENT_AUDIT_CHECKS, ModeFix, systemAuditIo } from '../../common/audit';
import type { ResolvedConfig } from '../../common/config';
import { auditJson, countOf, renderAuditReport } from '../audit/render-audit';
import { ExitCode, UsageError } from '../exit-codes';
import { printJson, printLines } from '../output';
import { loadCliConfig } from '../run-gateway-command';

export interface SecurityAuditOptions {
  fix?: boolean;
  json?: boolean;
}

/** `nestclaw security audit [--fix] [--json]`. */
export async function securityAudit(options: SecurityAuditOptions): Promise<void> {
  let config: ResolvedConfig;
  try {
    config = loadCliConfig();
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`nestclaw: ${error.message}\n`);
    process.exitCode = ExitCode.Usage;
    return;
  }

  const remote = config.gateway.mode === 'remote';
  const checks = remote ? CLIENT_AUDIT_CHECKS : AUDIT_CHECKS;
  let findings = auditConfig(config, systemAuditIo, checks);
  let fixed: ModeFix[] = [];
  if (options.fix) {
    const result = applySafeFixes(findings);
    fixed = result.fixed;
    for (const failure of result.failed) {
      process.stderr.write(`nestclaw: could not chmod ${failure.path} (${failure.error}); fix it by hand as its owner or root\n`);
    }
    // Audit again so the report shows what is left, not what was found before fixing.
    if (result.fixed.length > 0) findings = auditConfig(config, systemAuditIo, checks);
  }

  const report = { configPath: config.configPath, stateDir: config.stateDir, remote, findings, fixed };
  if (options.json) printJson(auditJson(report));
  else printLines(renderAuditReport(report, Boolean(options.fix)));
  process.exitCode = countOf(findings, 'critical') > 0 ? ExitCode.AuditCritical : ExitCode.Ok;
}
