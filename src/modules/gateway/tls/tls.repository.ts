import * as fs from 'node:fs';
import * as path from 'node:path';

export interface PemPair {
  cert: string;
  key: string;
}

export interface SelfSignedRequest {
  commonName: string;
  dnsNames: readonly string[];
  ipAddresses: readonly string[];
  notBefore: Date;
  notAfter: Date;
}

export interface PairFileNames {
  cert: string;
  key: string;
}

/** The TLS code's side effects: PEM files on disk and certificate generation. */
export class TlsRepository {
  /** The file's text, or undefined when it does not exist; any other failure is thrown with its errno code. */
  readText(file: string): string | undefined {
    try {
      return fs.readFileSync(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  /**
   * Writes the pair into a private staging directory and renames it to `dir`
   * in one step, so a crash or a second gateway starting on the same state
   * dir never leaves a key without its certificate. Returns false, writing
   * nothing, when `dir` already has files in it.
   */
  publishPair(dir: string, names: PairFileNames, pair: PemPair): boolean {
    const staging = fs.mkdtempSync(path.join(path.dirname(dir), `.${path.basename(dir)}-`));
    try {
      writeWithMode(path.join(staging, names.key), pair.key, 0o600);
      writeWithMode(path.join(staging, names.cert), pair.cert, 0o644);
      fs.chmodSync(staging, 0o700);
      fs.renameSync(staging, dir);
      return true;
    } catch (error) {
      fs.rmSync(staging, { recursive: true, force: true });
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOTEMPTY' || code === 'EEXIST') return false;
      throw error;
    }
  }

  /** Sets the permission bits of an existing file or directory when they differ. */
  ensureMode(target: string, mode: number): void {
    if ((fs.statSync(target).mode & 0o777) !== mode) fs.chmodSync(target, mode);
  }

  async generateSelfSigned(request: SelfSignedRequest): Promise<PemPair> {
    // Loaded only here: most gateways never generate a certificate, and the library costs start-up time.
    const { generate } = await import('selfsigned');
    const result = await generate([{ name: 'commonName', value: request.commonName }], {
      // P-256 keeps generation instant and handshakes cheap; every TLS client we target supports it.
      keyType: 'ec',
      curve: 'P-256',
      algorithm: 'sha256',
      notBeforeDate: request.notBefore,
      notAfterDate: request.notAfter,
      extensions: [
        { name: 'basicConstraints', cA: false, critical: true },
        { name: 'keyUsage', digitalSignature: true, critical: true },
        { name: 'extKeyUsage', serverAuth: true },
        {
          name: 'subjectAltName',
          altNames: [
            ...request.dnsNames.map((value) => ({ type: 2 as const, value })),
            ...request.ipAddresses.map((ip) => ({ type: 7 as const, ip })),
          ],
        },
      ],
    });
    return { cert: withFinalNewline(result.cert), key: withFinalNewline(result.private) };
  }
}

/** The library's PEM may lack the final newline, and `cat cert.pem intermediate.pem` would then break the chain. */
function withFinalNewline(pem: string): string {
  return pem.endsWith('\n') ? pem : `${pem}\n`;
}

/** Sets the exact mode: the one given to writeFileSync is narrowed by the umask. */
function writeWithMode(file: string, content: string, mode: number): void {
  fs.writeFileSync(file, content, { mode: 0o600, flag: 'wx' });
  fs.chmodSync(file, mode);
}
