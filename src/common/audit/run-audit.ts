import * as fs from 'node:fs';
import type { ResolvedConfig } from '../config';
import { AUDIT_CHECKS } from './audit-checks';
import { AuditIo, gatherAuditFacts, systemAuditIo } from './audit-facts';
import { AuditCheck, AuditFacts, Finding, ModeFix, SEVERITY_ORDER } from './audit.types';

/** Runs the checks over gathered facts; most severe first, table order within a severity. */
export function runAudit(facts: AuditFacts, checks: readonly AuditCheck[] = AUDIT_CHECKS): Finding[] {
  const findings = checks.flatMap((check) => check(facts));
  return findings
    .map((finding, index) => ({ finding, index }))
    .sort((a, b) => SEVERITY_ORDER.indexOf(a.finding.severity) - SEVERITY_ORDER.indexOf(b.finding.severity) || a.index - b.index)
    .map(({ finding }) => finding);
}

export function auditConfig(
  config: ResolvedConfig,
  io: AuditIo = systemAuditIo,
  checks: readonly AuditCheck[] = AUDIT_CHECKS,
): Finding[] {
  return runAudit(gatherAuditFacts(config, io), checks);
}

/** For the gateway's start-up log. Never throws: an audit problem must not stop a gateway. */
export function criticalFindings(config: ResolvedConfig): Finding[] {
  try {
    return auditConfig(config).filter((finding) => finding.severity === 'critical');
  } catch {
    return [];
  }
}

export interface FixResult {
  fixed: ModeFix[];
  failed: Array<ModeFix & { error: string }>;
}

/** Applies the safe fixes (file modes only) of the findings that have one. */
export function applySafeFixes(
  findings: readonly Finding[],
  chmod: (file: string, mode: number) => void = chmodNoFollow,
): FixResult {
  const result: FixResult = { fixed: [], failed: [] };
  for (const { safeFix } of findings) {
    if (!safeFix) continue;
    try {
      chmod(safeFix.path, safeFix.to);
      result.fixed.push(safeFix);
    } catch (error) {
      result.failed.push({ ...safeFix, error: (error as NodeJS.ErrnoException).code ?? String(error) });
    }
  }
  return result;
}

/** chmod through a descriptor opened without following symlinks, so a swapped-in link cannot redirect the change. */
export function chmodNoFollow(file: string, mode: number): void {
  const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
  try {
    fs.fchmodSync(fd, mode);
  } finally {
    fs.closeSync(fd);
  }
}
