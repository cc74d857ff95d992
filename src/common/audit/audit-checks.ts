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
