import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig, ResolvedConfig } from '../config';
import { gatherAuditFacts, systemAuditIo } from './audit-facts';
import type { AuditCheck, AuditFacts } from './audit.types';
import { applySafeFixes, auditConfig, criticalFindings, runAudit } from './run-audit';

const modeOf = (file: string) => fs.statSync(file).mode & 0o777;

function configFor(stateDir: string, file: object = {}, env: Record<string, string> = {}): ResolvedConfig {
  return loadConfig({ env: { NESTCLAW_STATE_DIR: stateDir, ...env }, homeDir: stateDir, readFile: () => JSON.stringify(file) });
}

describe(runAudit.name, () => {
  it('puts critical findings first and keeps table order within a severity', () => {
    // Arrange
    const checks: AuditCheck[] = [
      () => [{ id: 'a', severity: 'info', message: 'm', fix: 'f' }],
      () => [{ id: 'b', severity: 'warn', message: 'm', fix: 'f' }],
      () => [
        { id: 'c', severity: 'critical', message: 'm', fix: 'f' },
        { id: 'd', severity: 'warn', message: 'm', fix: 'f' },
      ],
    ];

    // Act
    const findings = runAudit({} as AuditFacts, checks);

    // Assert
    expect(findings.map((f) => f.id)).toEqual(['c', 'b', 'd', 'a']);
  });
});

describe(gatherAuditFacts.name, () => {
  let stateDir: string;

  beforeEach(() => {
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nestclaw-audit-'));
  });

  afterEach(() => {
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  it('finds the private files that exist, with their modes, and skips symlinks', () => {
    // Arrange
    fs.chmodSync(stateDir, 0o755);
    fs.writeFileSync(path.join(stateDir, 'gateway.token'), 'tok\n', { mode: 0o644 });
    fs.mkdirSync(path.join(stateDir, 'identity'), { mode: 0o700 });
    fs.writeFileSync(path.join(stateDir, 'identity', 'device.json'), '{}', { mode: 0o600 });
    fs.symlinkSync('/etc/hostname', path.join(stateDir, 'state.db'));

    // Act
    const facts = gatherAuditFacts(configFor(stateDir));

    // Assert
    expect(facts.files.map((f) => [path.relative(stateDir, f.path), f.kind, f.mode, f.insideStateDir])).toEqual([
      ['', 'dir', 0o755, true],
      ['identity', 'dir', 0o700, true],
      ['gateway.token', 'file', 0o644, true],
      [path.join('identity', 'device.json'), 'file', 0o600, true],
    ]);
    expect(facts.generatedToken).toBe('tok');
  });

  it('looks at the config file only when it holds secrets', () => {
    // Arrange
    const configPath = path.join(stateDir, 'nestclaw.json');
    fs.writeFileSync(configPath, '{}', { mode: 0o644 });
    const plain = configFor(stateDir, {});
    const secret = configFor(stateDir, { channels: { telegram: { botToken: '1:x' } } });

    // Act / Assert
    expect(gatherAuditFacts(plain).files.some((f) => f.path === configPath)).toBe(false);
    expect(gatherAuditFacts(secret).files.find((f) => f.path === configPath)).toMatchObject({ mode: 0o644, kind: 'file' });
  });

  it('checks a TLS key outside the state dir as outside', () => {
    // Arrange
    const keyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nestclaw-key-'));
    const keyPath = path.join(keyDir, 'key.pem');
    fs.writeFileSync(keyPath, 'k', { mode: 0o640 });

    // Act
    const facts = gatherAuditFacts(configFor(stateDir, { gateway: { tls: { enabled: true, certPath: 'c.pem', keyPath } } }));

    // Assert
    expect(facts.files.find((f) => f.path === keyPath)).toMatchObject({ insideStateDir: false, mode: 0o640 });
    fs.rmSync(keyDir, { recursive: true, force: true });
  });

  it('does not read the token file when a token is configured', () => {
    // Arrange
    const io = { ...systemAuditIo, readGeneratedToken: jest.fn(() => 'file-token') };

    // Act
    const facts = gatherAuditFacts(configFor(stateDir, {}, { NESTCLAW_GATEWAY_TOKEN: 'configured' }), io);

    // Assert
    expect(io.readGeneratedToken).not.toHaveBeenCalled();
    expect(facts.generatedToken).toBeUndefined();
  });
});

describe(applySafeFixes.name, () => {
  let stateDir: string;

  beforeEach(() => {
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nestclaw-fix-'));
  });

  afterEach(() => {
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  it('tightens loose modes and a second audit finds nothing left to fix', () => {
    // Arrange
    fs.chmodSync(stateDir, 0o755);
    const token = path.join(stateDir, 'gateway.token');
    fs.writeFileSync(token, 'Zq3xV9mPk2LwT8rN5sYb7cHd4fJg6\n', { mode: 0o644 });
    fs.chmodSync(token, 0o644);
    const config = configFor(stateDir);

    // Act
    const result = applySafeFixes(auditConfig(config));

    // Assert
    expect(result.failed).toEqual([]);
    expect(result.fixed).toEqual([
      { path: token, from: 0o644, to: 0o600 },
      { path: stateDir, from: 0o755, to: 0o700 },
    ]);
    expect(modeOf(stateDir)).toBe(0o700);
    expect(modeOf(token)).toBe(0o600);
    expect(auditConfig(config).filter((f) => f.safeFix)).toEqual([]);
  });

  it('reports a fix it could not apply and carries on', () => {
    // Arrange
    const chmod = jest.fn((file: string) => {
      if (file === '/a') throw Object.assign(new Error('nope'), { code: 'EPERM' });
    });

    // Act
    const result = applySafeFixes(
      [
        { id: 'fs.file-mode', severity: 'critical', message: 'm', fix: 'f', safeFix: { path: '/a', from: 0o644, to: 0o600 } },
        { id: 'other', severity: 'warn', message: 'm', fix: 'f' },
        { id: 'fs.file-mode', severity: 'critical', message: 'm', fix: 'f', safeFix: { path: '/b', from: 0o644, to: 0o600 } },
      ],
      chmod,
    );

    // Assert
    expect(result).toEqual({
      fixed: [{ path: '/b', from: 0o644, to: 0o600 }],
      failed: [{ path: '/a', from: 0o644, to: 0o600, error: 'EPERM' }],
    });
  });

  it('does not follow a symlink', () => {
    // Arrange
    const target = path.join(stateDir, 'target');
    fs.writeFileSync(target, 'x', { mode: 0o644 });
    fs.chmodSync(target, 0o644);
    const link = path.join(stateDir, 'link');
    fs.symlinkSync(target, link);

    // Act
    const result = applySafeFixes([
      { id: 'x', severity: 'warn', message: 'm', fix: 'f', safeFix: { path: link, from: 0o644, to: 0o600 } },
    ]);

    // Assert
    expect(result.failed).toEqual([expect.objectContaining({ path: link, error: 'ELOOP' })]);
    expect(modeOf(target)).toBe(0o644);
  });
});

describe(criticalFindings.name, () => {
  it('returns only critical findings', () => {
    // Arrange
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nestclaw-crit-'));
    const config = configFor(stateDir, { channels: { telegram: { enabled: true, botToken: '1:x', dmPolicy: 'open' } } });

    // Act
    const findings = criticalFindings(config);

    // Assert
    expect(findings.map((f) => f.id)).toEqual(['channels.telegram.dm-open']);
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  it('never throws', () => {
    expect(criticalFindings({} as ResolvedConfig)).toEqual([]);
  });
});
