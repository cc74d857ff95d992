import type { ResolvedConfig } from '../config';
import type { InterfaceTable } from '../net/bind';

export type Severity = 'critical' | 'warn' | 'info';

export const SEVERITY_ORDER: readonly Severity[] = ['critical', 'warn', 'info'];

/** A file mode change that is always safe to make: it only takes access away. */
export interface ModeFix {
  path: string;
  from: number;
  to: number;
}

export interface Finding {
  /** Stable, dotted; the same id may appear once per file for the file checks. */
  id: string;
  severity: Severity;
  message: string;
  fix: string;
  /** Present when `security audit --fix` can apply the fix by itself. */
  safeFix?: ModeFix;
}

/** A file or directory of the gateway's that should be private, as found on disk. */
export interface FileFact {
  path: string;
  /** What it is, for messages: "the state directory", "the device identity key", ... */
  label: string;
  kind: 'file' | 'dir';
  /** Permission bits only (mode & 0o777). */
  mode: number;
  /**
   * Inside the state dir every group/other bit is a finding. Outside it (a TLS
   * key in /etc, a config file elsewhere) group access is a common way to let a
   * service user read a root-owned file, so only "others" access counts.
   */
  insideStateDir: boolean;
}

/** Everything the checks look at; gathered once so the checks stay pure. */
export interface AuditFacts {
  config: ResolvedConfig;
  files: readonly FileFact[];
  interfaces: InterfaceTable;
  /** The content of <stateDir>/gateway.token, used when no token is configured. */
  generatedToken?: string;
}

export type AuditCheck = (facts: AuditFacts) => Finding[];
