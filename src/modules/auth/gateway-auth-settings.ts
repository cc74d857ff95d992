import type { AuthMode } from '../../common/config';

/** The gateway's effective shared secret after start-up (a generated token included). */
export class GatewayAuthSettings {
  constructor(
    readonly mode: AuthMode,
    readonly secret: string,
    readonly trustedProxies: readonly string[],
  ) {}
}
