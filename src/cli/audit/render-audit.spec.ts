import type { Finding } from '../../common/audit';
import { auditJson, renderAuditReport, summaryLine } from './render-audit';

const critical: Finding = {
  id: 'fs.file-mode',
  severity: 'critical',
  message: 'the gateway token file /s/gateway.token has mode 0644: every user of this host can read it',
  fix: 'chmod 600 /s/gateway.token',
  safeFix: { path: '/s/gateway.token', from: 0o644, to: 0o600 },
};
const info: Finding = { id: 'gateway.nodes.system-run', severity: 'info', message: 'm', fix: 'f' };

describe(auditJson.name, () => {
  it('has the stable shape, modes as octal strings', () => {
    expect(
      auditJson({
        configPath: '/c',
        stateDir: '/s',
        findings: [critical, info],
        fixed: [{ path: '/s', from: 0o755, to: 0o700 }],
      }),
    ).toEqual({
      findings: [
        { id: 'fs.file-mode', severity: 'critical', message: critical.message, fix: critical.fix, fixable: true },
        { id: 'gateway.nodes.system-run', severity: 'info', message: 'm', fix: 'f', fixable: false },
      ],
      fixed: [{ path: '/s', from: '0755', to: '0700' }],
      critical: 1,
    });
  });
});

describe(summaryLine.name, () => {
  it.each<[Finding[], string]>([
    [[], 'no findings'],
    [[critical, info], '1 critical, 0 warnings, 1 info'],
    [[{ ...info, severity: 'warn' }], '0 critical, 1 warning, 0 info'],
  ])('summarises %#', (findings, line) => {
    expect(summaryLine(findings)).toBe(line);
  });
});

describe(renderAuditReport.name, () => {
  it('names each severity in words and offers --fix for fixable findings', () => {
    // Act
    const lines = renderAuditReport({ configPath: '/c', stateDir: '/s', findings: [critical, info], fixed: [] }, false);

    // Assert
    expect(lines).toEqual([
      'nestclaw security audit: 1 critical, 0 warnings, 1 info',
      '  config  /c',
      '  state   /s',
      '',
      'CRITICAL fs.file-mode',
      `  ${critical.message}`,
      '  fix: chmod 600 /s/gateway.token',
      '',
      'INFO     gateway.nodes.system-run',
      '  m',
      '  fix: f',
      '',
      '`nestclaw security audit --fix` can apply 1 of these fixes (file modes only).',
    ]);
  });

  it('lists what --fix changed', () => {
    const lines = renderAuditReport(
      { configPath: '/c', stateDir: '/s', findings: [], fixed: [{ path: '/s/x', from: 0o640, to: 0o600 }] },
      true,
    );
    expect(lines).toContain('  chmod 600 /s/x  (was 0640)');
    expect(renderAuditReport({ configPath: '/c', stateDir: '/s', findings: [], fixed: [] }, true)).toContain(
      'fixed: nothing needed a safe fix',
    );
  });
});
