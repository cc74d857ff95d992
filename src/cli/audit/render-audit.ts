import { Finding, formatMode, ModeFix, Severity } from '../../common/audit';

const LABEL: Record<Severity, string> = { critical: 'CRITICAL', warn: 'WARN', info: 'INFO' };

export interface AuditReport {
  configPath: string;
  stateDir: string;
  /** Remote mode: only this client's files and config were audited, not a gateway. */
  remote?: boolean;
  findings: readonly Finding[];
  fixed: readonly ModeFix[];
}

/** The stable --json shape: {findings, fixed, critical}. */
export function auditJson(report: AuditReport) {
  return {
    findings: report.findings.map(({ id, severity, message, fix, safeFix }) => ({
      id,
      severity,
      message,
      fix,
      fixable: Boolean(safeFix),
    })),
    fixed: report.fixed.map((f) => ({ path: f.path, from: formatMode(f.from), to: formatMode(f.to) })),
    critical: countOf(report.findings, 'critical'),
  };
}

export function countOf(findings: readonly Finding[], severity: Severity): number {
  return findings.filter((finding) => finding.severity === severity).length;
}

export function summaryLine(findings: readonly Finding[]): string {
  if (findings.length === 0) return 'no findings';
  const critical = countOf(findings, 'critical');
  const warn = countOf(findings, 'warn');
  const info = countOf(findings, 'info');
  return [`${critical} critical`, `${warn} warning${warn === 1 ? '' : 's'}`, `${info} info`].join(', ');
}

/** Plain text that reads the same with or without a terminal: severity is a word, not a colour. */
export function renderFindings(findings: readonly Finding[]): string[] {
  return findings.flatMap((finding) => [
    `${LABEL[finding.severity].padEnd(8)} ${finding.id}`,
    `  ${finding.message}`,
    `  fix: ${finding.fix}`,
    '',
  ]);
}

export function renderAuditReport(report: AuditReport, fixRequested: boolean): string[] {
  const lines = [
    `nestclaw security audit: ${summaryLine(report.findings)}`,
    `  config  ${report.configPath}`,
    `  state   ${report.stateDir}`,
    ...(report.remote
      ? [
          '  mode    remote: only this client was audited (its config and files); audit the gateway on its own host',
          '          with `nestclaw security audit` there',
        ]
      : []),
    '',
  ];
  if (report.fixed.length > 0) {
    lines.push(
      'fixed:',
      ...report.fixed.map((f) => `  chmod ${formatMode(f.to).slice(1)} ${f.path}  (was ${formatMode(f.from)})`),
      '',
    );
  } else if (fixRequested) {
    lines.push('fixed: nothing needed a safe fix', '');
  }
  lines.push(...renderFindings(report.findings));
  const fixable = report.findings.filter((finding) => finding.safeFix).length;
  if (fixable > 0 && !fixRequested) {
    lines.push(`\`nestclaw security audit --fix\` can apply ${fixable} of these fixes (file modes only).`);
  }
  while (lines[lines.length - 1] === '') lines.pop();
  return lines;
}
