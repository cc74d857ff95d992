import type { AuditCheck } from './audit.types';
import { checkExecWithoutAllowlist, checkNodeSystemRun, checkTelegramOpenDms } from './feature-checks';
import { checkFileModes } from './file-checks';
import {
  checkAllowTailscaleWithFunnel,
  checkFunnel,
  checkNonLoopbackBind,
  checkPublicAddress,
  checkTlsOffOnNetwork,
  checkTrustedProxies,
} from './network-checks';
import { checkSecretsInConfig, checkWeakPassword, checkWeakToken } from './secret-checks';

/** Every check, in report order within a severity. Adding a check = one function and one line here. */
export const AUDIT_CHECKS: readonly AuditCheck[] = [
  checkPublicAddress,
  checkNonLoopbackBind,
  checkFunnel,
  checkAllowTailscaleWithFunnel,
  checkTlsOffOnNetwork,
  checkWeakToken,
  checkWeakPassword,
  checkSecretsInConfig,
  checkFileModes,
  checkTrustedProxies,
  checkExecWithoutAllowlist,
  checkTelegramOpenDms,
  checkNodeSystemRun,
];

/**
 * In remote mode this machine is only a client: its gateway settings are not
 * in use, so only what it keeps here (secrets in its config file, the modes
 * of its state dir, identity and device tokens) is audited.
 */
export const CLIENT_AUDIT_CHECKS: readonly AuditCheck[] = [checkSecretsInConfig, checkFileModes];
