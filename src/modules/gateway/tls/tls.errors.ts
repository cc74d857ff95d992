import { StartupError } from '../../../startup-error';

const OR_GENERATE = 'or remove gateway.tls.certPath and gateway.tls.keyPath to use a generated self-signed certificate';

/** Start-up refusals about the gateway's TLS certificate; each names the key or file to fix. */
export const TlsErrors = {
  onlyOnePath: (set: string, missing: string) =>
    new StartupError(`${set} is set but ${missing} is not: set both (a PEM certificate and its private key), ${OR_GENERATE}`),

  unreadable: (key: string, file: string, code: string | undefined) =>
    new StartupError(
      `${key}: cannot read ${file} (${code ?? 'unknown error'}); point it at a PEM file this user can read, ${OR_GENERATE}`,
    ),

  notACertificate: (file: string) =>
    new StartupError(
      `gateway.tls.certPath: ${file} holds no PEM certificate ("-----BEGIN CERTIFICATE-----"); point it at one, ${OR_GENERATE}`,
    ),

  notAPrivateKey: (file: string) =>
    new StartupError(
      `gateway.tls.keyPath: ${file} holds no unencrypted PEM private key; point it at one ` +
        '(a passphrase-protected key can be decrypted with `openssl pkey -in <file> -out <new file>`), ' +
        OR_GENERATE,
    ),

  mismatch: (certFile: string, keyFile: string) =>
    new StartupError(
      `gateway.tls.keyPath: the key in ${keyFile} does not belong to the certificate in ${certFile} (gateway.tls.certPath); point both at one matching pair`,
    ),

  /** The pair the gateway generated for itself is incomplete or damaged. */
  damagedGenerated: (dir: string, problem: string) =>
    new StartupError(
      `the generated TLS certificate in ${dir} is unusable (${problem}): delete that directory and start again to generate a new one; ` +
        'clients that pinned the old fingerprint must then pin the new one',
    ),
};
