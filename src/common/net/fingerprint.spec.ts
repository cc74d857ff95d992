import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FIXTURE_HEX, FIXTURE_OPENSSL, FIXTURE_PEM } from '../../../test/support/fixtures/sample-certificate';
import { itWhen } from '../../../test/support/skip-notice';
import { certificateFingerprint, formatFingerprint, normalizeFingerprint } from './fingerprint';

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;

describe(normalizeFingerprint.name, () => {
  it.each([
    ['uppercase with colons (openssl, browsers)', FIXTURE_OPENSSL],
    ['lowercase with colons', FIXTURE_OPENSSL.toLowerCase()],
    ['lowercase without colons', FIXTURE_HEX],
    ['uppercase without colons', FIXTURE_HEX.toUpperCase()],
    ['mixed case', FIXTURE_HEX.slice(0, 32).toUpperCase() + FIXTURE_HEX.slice(32)],
    ['a "sha256:" prefix', `sha256:${FIXTURE_HEX}`],
    ['an uppercase "SHA256:" prefix with colons', `SHA256:${FIXTURE_OPENSSL}`],
    ['a "sha-256=" prefix', `sha-256=${FIXTURE_HEX}`],
    ['pairs separated by spaces', FIXTURE_OPENSSL.replace(/:/g, ' ')],
    ['surrounding whitespace and a newline', `  ${FIXTURE_OPENSSL}\n`],
  ])('accepts %s', (_label, input) => {
    expect(normalizeFingerprint(input)).toBe(FIXTURE_HEX);
  });

  it.each([
    ['an empty string', ''],
    ['only a prefix', 'sha256:'],
    ['63 hex digits', FIXTURE_HEX.slice(1)],
    ['65 hex digits', `${FIXTURE_HEX}0`],
    ['a SHA-1 length fingerprint (40 digits)', FIXTURE_HEX.slice(0, 40)],
    ['a non-hex digit', `${FIXTURE_HEX.slice(0, 63)}g`],
    ['base64 of the digest', Buffer.from(FIXTURE_HEX, 'hex').toString('base64')],
    ['a prefix that is not sha256', `md5:${FIXTURE_HEX}`],
  ])('rejects %s', (_label, input) => {
    expect(normalizeFingerprint(input)).toBeUndefined();
  });
});

describe(formatFingerprint.name, () => {
  it('writes uppercase pairs joined by colons, as openssl does', () => {
    expect(formatFingerprint(FIXTURE_HEX)).toBe(FIXTURE_OPENSSL);
  });

  it('round-trips through normalizeFingerprint', () => {
    const hex = createHash('sha256').update('anything').digest('hex');
    expect(normalizeFingerprint(formatFingerprint(hex))).toBe(hex);
    expect(formatFingerprint(hex).split(':')).toHaveLength(32);
  });
});

describe(certificateFingerprint.name, () => {
  it('hashes the DER of a PEM string to what openssl prints', () => {
    expect(certificateFingerprint(FIXTURE_PEM)).toBe(FIXTURE_HEX);
  });

  it('accepts the PEM as a Buffer', () => {
    expect(certificateFingerprint(Buffer.from(FIXTURE_PEM))).toBe(FIXTURE_HEX);
  });

  it('hashes a DER buffer as it is', () => {
    // Arrange
    const der = new X509Certificate(FIXTURE_PEM).raw;

    // Act / Assert
    expect(der[0]).toBe(0x30);
    expect(certificateFingerprint(der)).toBe(FIXTURE_HEX);
  });

  it('throws on text that is not a certificate', () => {
    expect(() => certificateFingerprint('not a certificate')).toThrow();
  });

  itWhen(
    hasOpenssl,
    'no openssl binary',
    'apt-get install openssl',
  )('matches openssl for a certificate generated now', () => {
    // Arrange
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nestclaw-fp-'));
    try {
      const certFile = path.join(dir, 'cert.pem');
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:prime256v1',
          '-nodes',
          '-keyout',
          path.join(dir, 'key.pem'),
          '-out',
          certFile,
          '-days',
          '1',
          '-subj',
          '/CN=nestclaw-spec',
        ],
        { stdio: 'pipe' },
      );
      const printed = execFileSync('openssl', ['x509', '-in', certFile, '-noout', '-fingerprint', '-sha256'], {
        encoding: 'utf8',
      });
      const expected = normalizeFingerprint(printed.slice(printed.indexOf('=') + 1));

      // Act
      const actual = certificateFingerprint(fs.readFileSync(certFile, 'utf8'));

      // Assert
      expect(expected).toMatch(/^[0-9a-f]{64}$/);
      expect(actual).toBe(expected);
      expect(formatFingerprint(actual)).toBe(printed.trim().slice(printed.indexOf('=') + 1));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
