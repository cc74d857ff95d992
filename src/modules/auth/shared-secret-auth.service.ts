import { Injectable } from '@nestjs/common';
import { GatewayAuthSettings } from './gateway-auth-settings';
import { secretMatcher } from './safe-equal';
import { AuthError, AuthErrors } from './auth.errors';

export type SecretCheck = { ok: true } | { ok: false; presented: boolean; error: AuthError };

/** Checks the token or password of a connect request against the gateway's own. */
@Injectable()
export class SharedSecretAuthService {
  private readonly matchesSecret: (given: string) => boolean;

  constructor(private readonly settings: GatewayAuthSettings) {
    this.matchesSecret = secretMatcher(settings.secret);
  }

  check(auth: { token?: string; password?: string } | undefined): SecretCheck {
    const tokenMode = this.settings.mode === 'token';
    const given = tokenMode ? auth?.token : auth?.password;
    if (!given) {
      return {
        ok: false,
        presented: Boolean(auth?.token || auth?.password),
        error: tokenMode ? AuthErrors.tokenMissing() : AuthErrors.passwordMissing(),
      };
    }
    if (this.matchesSecret(given)) return { ok: true };
    return { ok: false, presented: true, error: tokenMode ? AuthErrors.tokenMismatch() : AuthErrors.passwordMismatch() };
  }
}
