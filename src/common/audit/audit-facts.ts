import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ResolvedConfig } from '../config';
import { identityDir } from '../identity/identity-store';
import type { InterfaceTable } from '../net/bind';
import { generatedTlsPaths, GENERATED_TOKEN_FILE, readGeneratedToken } from '../state';
import type { AuditFacts, FileFact } from './audit.types';
import { configHoldsSecrets } from './secret-keys';

/** The file with secrets for the gateway's environment: onboard writes it, `gateway install` units load it. */
export const GATEWAY_ENV_FILE = 'gateway.env';

export function gatewayEnvPath(stateDir: string): string {
  return path.join(stateDir, GATEWAY_ENV_FILE);
}

/** The side effects the audit needs; tests pass their own. */
export interface AuditIo {
  /** Permission bits and kind, or undefined when missing, unreadable or a symlink (never followed, never changed). */
  stat(file: string): { mode: number; kind: 'file' | 'dir' } | undefined;
  readGeneratedToken(stateDir: string): string | undefined;
  networkInterfaces(): InterfaceTable;
}

export const systemAuditIo: AuditIo = {
  stat(file) {
    try {
      const stats = fs.lstatSync(file);
      if (stats.isSymbolicLink()) return undefined;
      return { mode: stats.mode & 0o777, kind: stats.isDirectory() ? 'dir' : 'file' };
    } catch {
      return undefined;
    }
  },
  readGeneratedToken,
  networkInterfaces: () => os.networkInterfaces(),
};

/** Files and directories that hold secrets or decide what runs, with what to call them. */
export function privatePaths(config: ResolvedConfig): Array<{ path: string; label: string; kind: 'file' | 'dir' }> {
  const state = config.stateDir;
  const tls = generatedTlsPaths(state);
  const paths: Array<{ path: string; label: string; kind: 'file' | 'dir' }> = [
    { path: state, label: 'the state directory', kind: 'dir' },
    { path: identityDir(state), label: 'the identity directory', kind: 'dir' },
    { path: tls.dir, label: 'the generated TLS directory', kind: 'dir' },
    { path: path.join(state, GENERATED_TOKEN_FILE), label: 'the gateway token file', kind: 'file' },
    { path: gatewayEnvPath(state), label: 'the secrets environment file', kind: 'file' },
    { path: path.join(state, 'state.db'), label: 'the state database', kind: 'file' },
    { path: path.join(state, 'state.db-wal'), label: 'the state database journal', kind: 'file' },
    { path: path.join(state, 'state.db-shm'), label: 'the state database shared memory', kind: 'file' },
    { path: path.join(identityDir(state), 'device.json'), label: 'the device identity key', kind: 'file' },
    { path: path.join(identityDir(state), 'device-tokens.json'), label: 'the device tokens', kind: 'file' },
    { path: config.gateway.tls.keyPath ?? tls.keyPath, label: 'the TLS private key', kind: 'file' },
    { path: path.join(state, 'exec-approvals.json'), label: 'the exec approvals of the node host', kind: 'file' },
  ];
  if (configHoldsSecrets(config.file)) {
    paths.push({ path: config.configPath, label: 'the config file (it holds secrets)', kind: 'file' });
  }
  return paths;
}

export function gatherAuditFacts(config: ResolvedConfig, io: AuditIo = systemAuditIo): AuditFacts {
  const files: FileFact[] = [];
  const seen = new Set<string>();
  for (const entry of privatePaths(config)) {
    if (seen.has(entry.path)) continue;
    seen.add(entry.path);
    const stat = io.stat(entry.path);
    if (!stat || stat.kind !== entry.kind) continue;
    files.push({ ...entry, mode: stat.mode, insideStateDir: isInside(entry.path, config.stateDir) });
  }
  return {
    config,
    files,
    interfaces: io.networkInterfaces(),
    generatedToken: config.gateway.auth.token ? undefined : io.readGeneratedToken(config.stateDir),
  };
}

function isInside(file: string, dir: string): boolean {
  const relative = path.relative(dir, file);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}
