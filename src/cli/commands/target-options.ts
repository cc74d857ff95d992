import type { Command } from 'commander';

/** The options every command that talks to a gateway takes. */
export function withTargetOptions(command: Command): Command {
  return command
    .option('--url <url>', 'gateway URL (ws:// or wss://); needs --token or --password')
    .option('--token <token>', 'gateway token')
    .option('--password <password>', 'gateway password')
    .option('--tls-fingerprint <sha256>', 'accept only the gateway certificate with this SHA-256 fingerprint')
    .option('--timeout <ms>', 'how long to wait for the gateway', '10000')
    .option('--json', 'print JSON for scripts');
}

export interface TargetOptions {
  url?: string;
  token?: string;
  password?: string;
  tlsFingerprint?: string;
  timeout?: string;
  json?: boolean;
}
