import { createPrivateKey, X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TlsRepository } from './tls.repository';

const modeOf = (target: string) => fs.statSync(target).mode & 0o777;
const NAMES = { cert: 'cert.pem', key: 'key.pem' };

describe(TlsRepository.name, () => {
  let root: string;
  let repository: TlsRepository;

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'nestclaw-tls-repo-'));
    repository = new TlsRepository();
  });

  afterEach(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  describe('generateSelfSigned', () => {
    it('makes an EC P-256 server certificate with the requested names and dates, matching its key', async () => {
      // Arrange
      const notBefore = new Date('2025-01-01T00:00:00Z');
      const notAfter = new Date('2035-01-01T00:00:00Z');

      // Act
      const pair = await repository.generateSelfSigned({
        commonName: 'nestclaw gateway box',
        dnsNames: ['localhost', 'box'],
        ipAddresses: ['127.0.0.1', '::1'],
        notBefore,
        notAfter,
      });

      // Assert
      const certificate = new X509Certificate(pair.cert);
      const key = createPrivateKey(pair.key);
      expect(certificate.checkPrivateKey(key)).toBe(true);
      expect(certificate.publicKey.asymmetricKeyType).toBe('ec');
      expect(certificate.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
      expect(certificate.ca).toBe(false);
      expect(certificate.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
      expect(certificate.subject).toBe('CN=nestclaw gateway box');
      expect(certificate.checkHost('localhost')).toBe('localhost');
      expect(certificate.checkHost('box')).toBe('box');
      expect(certificate.checkIP('127.0.0.1')).toBe('127.0.0.1');
      expect(certificate.checkIP('::1')).toBe('::1');
      expect(new Date(certificate.validFrom)).toEqual(notBefore);
      expect(new Date(certificate.validTo)).toEqual(notAfter);
      expect(certificate.verify(certificate.publicKey)).toBe(true);
      expect(pair.cert.endsWith('-----\n')).toBe(true);
      expect(pair.key.endsWith('-----\n')).toBe(true);
    });
  });

  describe('publishPair', () => {
    it('creates the directory 0700 with the key 0600 and the certificate 0644', () => {
      // Arrange
      const dir = path.join(root, 'tls');

      // Act
      const published = repository.publishPair(dir, NAMES, { cert: 'CERT', key: 'KEY' });

      // Assert
      expect(published).toBe(true);
      expect(modeOf(dir)).toBe(0o700);
      expect(modeOf(path.join(dir, 'key.pem'))).toBe(0o600);
      expect(modeOf(path.join(dir, 'cert.pem'))).toBe(0o644);
      expect(fs.readFileSync(path.join(dir, 'cert.pem'), 'utf8')).toBe('CERT');
      expect(fs.readdirSync(root)).toEqual(['tls']);
    });

    it('leaves a directory that already holds files alone and reports false', () => {
      // Arrange
      const dir = path.join(root, 'tls');
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, 'key.pem'), 'THEIRS');

      // Act
      const published = repository.publishPair(dir, NAMES, { cert: 'CERT', key: 'KEY' });

      // Assert
      expect(published).toBe(false);
      expect(fs.readdirSync(dir)).toEqual(['key.pem']);
      expect(fs.readFileSync(path.join(dir, 'key.pem'), 'utf8')).toBe('THEIRS');
      expect(fs.readdirSync(root)).toEqual(['tls']);
    });

    it('replaces an empty directory', () => {
      // Arrange
      const dir = path.join(root, 'tls');
      fs.mkdirSync(dir, { mode: 0o755 });

      // Act
      const published = repository.publishPair(dir, NAMES, { cert: 'CERT', key: 'KEY' });

      // Assert
      expect(published).toBe(true);
      expect(modeOf(dir)).toBe(0o700);
      expect(fs.readdirSync(dir).sort()).toEqual(['cert.pem', 'key.pem']);
    });
  });

  describe('readText', () => {
    it('returns undefined for a missing file', () => {
      expect(repository.readText(path.join(root, 'nope.pem'))).toBeUndefined();
    });

    it('throws other failures with their errno code', () => {
      expect(() => repository.readText(root)).toThrow(expect.objectContaining({ code: 'EISDIR' }));
    });
  });

  describe('ensureMode', () => {
    it('sets the exact mode', () => {
      // Arrange
      const file = path.join(root, 'key.pem');
      fs.writeFileSync(file, 'KEY');
      fs.chmodSync(file, 0o644);

      // Act
      repository.ensureMode(file, 0o600);

      // Assert
      expect(modeOf(file)).toBe(0o600);
    });
  });
});
