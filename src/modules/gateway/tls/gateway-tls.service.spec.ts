import { createHash, generateKeyPairSync, X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ResolvedTls } from '../../../common/config';
import { StartupError } from '../../../startup-error';
import { GatewayTlsService, generatedTlsPaths, selfSignedRequest } from './gateway-tls.service';
import { PairFileNames, PemPair, TlsRepository } from './tls.repository';

const modeOf = (target: string) => fs.statSync(target).mode & 0o777;
const sha256 = (pem: string) => createHash('sha256').update(new X509Certificate(pem).raw).digest('hex');
const HOST = { hostName: 'box', now: new Date('2025-06-01T12:00:00Z') };
const GENERATED: ResolvedTls = { enabled: true };

/** One real pair per run keeps the suite fast; `other` is a second pair for mismatch cases. */
let pair: PemPair;
let other: PemPair;
beforeAll(async () => {
  const repository = new TlsRepository();
  [pair, other] = await Promise.all([
    repository.generateSelfSigned(selfSignedRequest('box', HOST.now)),
    repository.generateSelfSigned(selfSignedRequest('other', HOST.now)),
  ]);
});

describe(GatewayTlsService.name, () => {
  let stateDir: string;
  let repository: TlsRepository;
  let service: GatewayTlsService;

  beforeEach(() => {
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nestclaw-tls-'));
    repository = new TlsRepository();
    jest.spyOn(repository, 'generateSelfSigned').mockResolvedValue(pair);
    service = new GatewayTlsService(repository);
  });

  afterEach(() => {
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  const write = (name: string, content: string) => {
    const file = path.join(stateDir, name);
    fs.writeFileSync(file, content);
    return file;
  };

  async function refusal(tls: ResolvedTls): Promise<StartupError> {
    const error = await service.load(tls, stateDir, HOST).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StartupError);
    return error as StartupError;
  }

  describe('load', () => {
    it('returns undefined and touches nothing when TLS is off', async () => {
      // Act
      const tls = await service.load({ enabled: false, certPath: '/nowhere/cert.pem' }, stateDir, HOST);

      // Assert
      expect(tls).toBeUndefined();
      expect(fs.readdirSync(stateDir)).toEqual([]);
    });

    describe('without certPath/keyPath', () => {
      it('generates a pair into <stateDir>/tls with private modes on the first start', async () => {
        // Act
        const tls = await service.load(GENERATED, stateDir, HOST);

        // Assert
        const paths = generatedTlsPaths(stateDir);
        expect(tls).toEqual({
          cert: pair.cert,
          key: pair.key,
          fingerprintSha256: sha256(pair.cert),
          certPath: path.join(stateDir, 'tls', 'gateway-cert.pem'),
          keyPath: path.join(stateDir, 'tls', 'gateway-key.pem'),
          source: 'generated',
          created: true,
        });
        expect(tls!.fingerprintSha256).toMatch(/^[0-9a-f]{64}$/);
        expect(fs.readFileSync(paths.certPath, 'utf8')).toBe(pair.cert);
        expect(fs.readFileSync(paths.keyPath, 'utf8')).toBe(pair.key);
        expect(modeOf(paths.dir)).toBe(0o700);
        expect(modeOf(paths.keyPath)).toBe(0o600);
        expect(modeOf(paths.certPath)).toBe(0o644);
      });

      it('asks for localhost, the loopback addresses and the host name', async () => {
        // Act
        await service.load(GENERATED, stateDir, HOST);

        // Assert
        expect(repository.generateSelfSigned).toHaveBeenCalledWith(selfSignedRequest('box', HOST.now));
      });

      it('reuses the stored pair on later starts without generating again', async () => {
        // Arrange
        const first = await service.load(GENERATED, stateDir, HOST);

        // Act
        const second = await service.load(GENERATED, stateDir, HOST);

        // Assert
        expect(second).toEqual({ ...first, created: false });
        expect(repository.generateSelfSigned).toHaveBeenCalledTimes(1);
      });

      it('tightens a stored key and directory whose modes were loosened', async () => {
        // Arrange
        await service.load(GENERATED, stateDir, HOST);
        const paths = generatedTlsPaths(stateDir);
        fs.chmodSync(paths.keyPath, 0o644);
        fs.chmodSync(paths.dir, 0o755);

        // Act
        await service.load(GENERATED, stateDir, HOST);

        // Assert
        expect(modeOf(paths.keyPath)).toBe(0o600);
        expect(modeOf(paths.dir)).toBe(0o700);
      });

      it('serves the pair another gateway published first', async () => {
        // Arrange
        jest.spyOn(repository, 'publishPair').mockImplementation((dir: string, names: PairFileNames) => {
          fs.mkdirSync(dir);
          fs.writeFileSync(path.join(dir, names.cert), other.cert);
          fs.writeFileSync(path.join(dir, names.key), other.key);
          return false;
        });

        // Act
        const tls = await service.load(GENERATED, stateDir, HOST);

        // Assert
        expect(tls).toMatchObject({ cert: other.cert, fingerprintSha256: sha256(other.cert), created: false });
      });

      it.each<[string, (paths: ReturnType<typeof generatedTlsPaths>) => void, string]>([
        ['the certificate is missing', (p) => fs.rmSync(p.certPath), 'gateway-cert.pem is missing'],
        ['the key is missing', (p) => fs.rmSync(p.keyPath), 'gateway-key.pem is missing'],
        [
          'the certificate is garbage',
          (p) => fs.writeFileSync(p.certPath, 'garbage'),
          'gateway-cert.pem holds no PEM certificate',
        ],
        ['the key is garbage', (p) => fs.writeFileSync(p.keyPath, 'garbage'), 'gateway-key.pem holds no PEM private key'],
        [
          'the key belongs to another certificate',
          (p) => fs.writeFileSync(p.keyPath, other.key),
          'the key does not belong to the certificate',
        ],
      ])('refuses to start, without regenerating, when %s', async (_label, damage, problem) => {
        // Arrange
        await service.load(GENERATED, stateDir, HOST);
        damage(generatedTlsPaths(stateDir));

        // Act
        const error = await refusal(GENERATED);

        // Assert
        expect(error.message).toContain(
          `the generated TLS certificate in ${path.join(stateDir, 'tls')} is unusable (${problem})`,
        );
        expect(error.message).toContain('delete that directory and start again');
        expect(repository.generateSelfSigned).toHaveBeenCalledTimes(1);
      });
    });

    describe('with certPath/keyPath', () => {
      it('serves the configured pair and writes nothing to the state dir', async () => {
        // Arrange
        const certPath = write('cert.pem', pair.cert);
        const keyPath = write('key.pem', pair.key);

        // Act
        const tls = await service.load({ enabled: true, certPath, keyPath }, stateDir, HOST);

        // Assert
        expect(tls).toEqual({
          ...pair,
          fingerprintSha256: sha256(pair.cert),
          certPath,
          keyPath,
          source: 'configured',
          created: false,
        });
        expect(fs.existsSync(path.join(stateDir, 'tls'))).toBe(false);
        expect(repository.generateSelfSigned).not.toHaveBeenCalled();
      });

      it('fingerprints the first certificate of a chain', async () => {
        // Arrange
        const certPath = write('chain.pem', pair.cert + other.cert);
        const keyPath = write('key.pem', pair.key);

        // Act
        const tls = await service.load({ enabled: true, certPath, keyPath }, stateDir, HOST);

        // Assert
        expect(tls!.fingerprintSha256).toBe(sha256(pair.cert));
      });

      it.each([
        ['certPath without keyPath', { certPath: '/etc/cert.pem' }, 'gateway.tls.certPath is set but gateway.tls.keyPath is not'],
        ['keyPath without certPath', { keyPath: '/etc/key.pem' }, 'gateway.tls.keyPath is set but gateway.tls.certPath is not'],
      ])('refuses %s', async (_label, paths, message) => {
        // Act
        const error = await refusal({ enabled: true, ...paths });

        // Assert
        expect(error.message).toContain(message);
        expect(error.message).toContain('set both');
      });

      it('refuses a missing certificate file, naming the key, the file and the fix', async () => {
        // Arrange
        const certPath = path.join(stateDir, 'missing.pem');
        const keyPath = write('key.pem', pair.key);

        // Act
        const error = await refusal({ enabled: true, certPath, keyPath });

        // Assert
        expect(error.message).toBe(
          `gateway.tls.certPath: cannot read ${certPath} (ENOENT); point it at a PEM file this user can read, ` +
            'or remove gateway.tls.certPath and gateway.tls.keyPath to use a generated self-signed certificate',
        );
      });

      it('refuses an unreadable key file with its errno code', async () => {
        // Arrange
        const certPath = write('cert.pem', pair.cert);
        jest.spyOn(repository, 'readText').mockImplementation((file: string) => {
          if (file === certPath) return pair.cert;
          throw Object.assign(new Error('permission denied'), { code: 'EACCES' });
        });

        // Act
        const error = await refusal({ enabled: true, certPath, keyPath: '/root/key.pem' });

        // Assert
        expect(error.message).toMatch(/^gateway\.tls\.keyPath: cannot read \/root\/key\.pem \(EACCES\)/);
      });

      it('refuses a certificate file without a certificate', async () => {
        // Arrange
        const certPath = write('cert.pem', pair.key);
        const keyPath = write('key.pem', pair.key);

        // Act
        const error = await refusal({ enabled: true, certPath, keyPath });

        // Assert
        expect(error.message).toMatch(/^gateway\.tls\.certPath: .* holds no PEM certificate/);
      });

      it('refuses a passphrase-protected key and says how to decrypt it', async () => {
        // Arrange
        const { privateKey } = generateKeyPairSync('ec', {
          namedCurve: 'P-256',
          privateKeyEncoding: { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'secret' },
          publicKeyEncoding: { type: 'spki', format: 'pem' },
        });
        const certPath = write('cert.pem', pair.cert);
        const keyPath = write('key.pem', privateKey);

        // Act
        const error = await refusal({ enabled: true, certPath, keyPath });

        // Assert
        expect(error.message).toMatch(/^gateway\.tls\.keyPath: .* holds no unencrypted PEM private key/);
        expect(error.message).toContain('openssl pkey');
      });

      it('refuses a key that does not belong to the certificate', async () => {
        // Arrange
        const certPath = write('cert.pem', pair.cert);
        const keyPath = write('key.pem', other.key);

        // Act
        const error = await refusal({ enabled: true, certPath, keyPath });

        // Assert
        expect(error.message).toBe(
          `gateway.tls.keyPath: the key in ${keyPath} does not belong to the certificate in ${certPath} (gateway.tls.certPath); ` +
            'point both at one matching pair',
        );
      });
    });
  });
});

describe(selfSignedRequest.name, () => {
  const now = new Date('2025-06-01T12:00:00Z');

  it('names localhost, the loopback addresses and the host, valid for ten years from a day ago', () => {
    expect(selfSignedRequest('Gateway-Box.lan', now)).toEqual({
      commonName: 'nestclaw gateway gateway-box.lan',
      dnsNames: ['localhost', 'gateway-box.lan'],
      ipAddresses: ['127.0.0.1', '::1'],
      notBefore: new Date('2025-05-31T12:00:00Z'),
      notAfter: new Date('2035-06-01T12:00:00Z'),
    });
  });

  it.each([[''], ['localhost'], ['my_host'], ['-bad'], ['höst']])(
    'leaves out a host name %p that is not a usable DNS name',
    (hostName) => {
      // Act
      const request = selfSignedRequest(hostName, now);

      // Assert
      expect(request.dnsNames).toEqual(['localhost']);
      expect(request.commonName).toBe('nestclaw gateway');
    },
  );
});
