import { createPrivateKey, KeyObject, X509Certificate } from 'node:crypto';
import * as path from 'node:path';
import type { ResolvedTls } from '../../../common/config';
import { certificateFingerprint } from '../../../common/net';
import { GENERATED_CERT_FILE, GENERATED_KEY_FILE, generatedTlsPaths } from '../../../common/state';

export { generatedTlsPaths };
import { TlsErrors } from './tls.errors';
import { PemPair, SelfSignedRequest, TlsRepository } from './tls.repository';

export const GENERATED_VALIDITY_YEARS = 10;

export interface GatewayTls extends PemPair {
  /** SHA-256 of the DER certificate (the first one in the file), 64 lowercase hex digits. */
  fingerprintSha256: string;
  certPath: string;
  keyPath: string;
  /** "configured": gateway.tls.certPath/keyPath; "generated": the self-signed pair in the state dir. */
  source: 'configured' | 'generated';
  /** True only on the start that generated the self-signed pair. */
  created: boolean;
}

/** Chooses the certificate the gateway serves: the configured pair, else its own self-signed one. */
export class GatewayTlsService {
  constructor(private readonly files: TlsRepository) {}

  async load(tls: ResolvedTls, stateDir: string, host: { hostName: string; now: Date }): Promise<GatewayTls | undefined> {
    if (!tls.enabled) return undefined;
    if (tls.certPath !== undefined || tls.keyPath !== undefined) return this.loadConfigured(tls);
    return this.loadGenerated(stateDir, host.hostName, host.now);
  }

  private loadConfigured(tls: ResolvedTls): GatewayTls {
    if (tls.certPath === undefined) throw TlsErrors.onlyOnePath('gateway.tls.keyPath', 'gateway.tls.certPath');
    if (tls.keyPath === undefined) throw TlsErrors.onlyOnePath('gateway.tls.certPath', 'gateway.tls.keyPath');
    const cert = this.readConfigured('gateway.tls.certPath', tls.certPath);
    const key = this.readConfigured('gateway.tls.keyPath', tls.keyPath);
    const problem = pairProblem(cert, key);
    if (problem === 'certificate') throw TlsErrors.notACertificate(tls.certPath);
    if (problem === 'key') throw TlsErrors.notAPrivateKey(tls.keyPath);
    if (problem === 'mismatch') throw TlsErrors.mismatch(tls.certPath, tls.keyPath);
    return toGatewayTls({ cert, key }, tls.certPath, tls.keyPath, 'configured', false);
  }

  private readConfigured(configKey: string, file: string): string {
    let text: string | undefined;
    try {
      text = this.files.readText(file);
    } catch (error) {
      throw TlsErrors.unreadable(configKey, file, (error as NodeJS.ErrnoException).code);
    }
    if (text === undefined) throw TlsErrors.unreadable(configKey, file, 'ENOENT');
    return text;
  }

  private async loadGenerated(stateDir: string, hostName: string, now: Date): Promise<GatewayTls> {
    const paths = generatedTlsPaths(stateDir);
    const stored = this.readGenerated(paths);
    if (stored) return stored;

    const pair = await this.files.generateSelfSigned(selfSignedRequest(hostName, now));
    if (this.files.publishPair(paths.dir, { cert: GENERATED_CERT_FILE, key: GENERATED_KEY_FILE }, pair)) {
      return toGatewayTls(pair, paths.certPath, paths.keyPath, 'generated', true);
    }
    // Another gateway on the same state dir published first: serve its pair so the files stay the truth.
    const raced = this.readGenerated(paths);
    if (!raced) throw TlsErrors.damagedGenerated(paths.dir, 'it exists but holds neither file');
    return raced;
  }

  private readGenerated(paths: ReturnType<typeof generatedTlsPaths>): GatewayTls | undefined {
    const read = (file: string) => {
      try {
        return this.files.readText(file);
      } catch (error) {
        throw TlsErrors.damagedGenerated(
          paths.dir,
          `cannot read ${path.basename(file)}: ${(error as NodeJS.ErrnoException).code}`,
        );
      }
    };
    const cert = read(paths.certPath);
    const key = read(paths.keyPath);
    if (cert === undefined && key === undefined) return undefined;
    if (cert === undefined) throw TlsErrors.damagedGenerated(paths.dir, `${GENERATED_CERT_FILE} is missing`);
    if (key === undefined) throw TlsErrors.damagedGenerated(paths.dir, `${GENERATED_KEY_FILE} is missing`);
    const problem = pairProblem(cert, key);
    if (problem) throw TlsErrors.damagedGenerated(paths.dir, PROBLEM_TEXT[problem]);
    // A copied or restored state dir may have loosened the modes.
    this.files.ensureMode(paths.dir, 0o700);
    this.files.ensureMode(paths.keyPath, 0o600);
    return toGatewayTls({ cert, key }, paths.certPath, paths.keyPath, 'generated', false);
  }
}

/** What goes into the self-signed certificate; pure so the SANs and dates are tested without crypto. */
export function selfSignedRequest(hostName: string, now: Date): SelfSignedRequest {
  const host = hostName.toLowerCase();
  const usableHost = DNS_NAME.test(host) && host !== 'localhost' ? host : undefined;
  const notAfter = new Date(now);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + GENERATED_VALIDITY_YEARS);
  return {
    commonName: usableHost ? `nestclaw gateway ${usableHost}` : 'nestclaw gateway',
    dnsNames: usableHost ? ['localhost', usableHost] : ['localhost'],
    ipAddresses: ['127.0.0.1', '::1'],
    // Back-dated a day so a client whose clock runs a little behind does not see a certificate from the future.
    notBefore: new Date(now.getTime() - 24 * 60 * 60 * 1000),
    notAfter,
  };
}

const DNS_NAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

type PairProblem = 'certificate' | 'key' | 'mismatch';

const PROBLEM_TEXT: Record<PairProblem, string> = {
  certificate: `${GENERATED_CERT_FILE} holds no PEM certificate`,
  key: `${GENERATED_KEY_FILE} holds no PEM private key`,
  mismatch: 'the key does not belong to the certificate',
};

function pairProblem(cert: string, key: string): PairProblem | undefined {
  let certificate: X509Certificate;
  let privateKey: KeyObject;
  try {
    certificate = new X509Certificate(cert);
  } catch {
    return 'certificate';
  }
  try {
    privateKey = createPrivateKey(key);
  } catch {
    return 'key';
  }
  return certificate.checkPrivateKey(privateKey) ? undefined : 'mismatch';
}

function toGatewayTls(
  pair: PemPair,
  certPath: string,
  keyPath: string,
  source: GatewayTls['source'],
  created: boolean,
): GatewayTls {
  return { ...pair, fingerprintSha256: certificateFingerprint(pair.cert), certPath, keyPath, source, created };
}
