import type { ResolvedConfig } from '../../common/config';

/** Facts about this running gateway that handlers report (status, hello-ok). */
export class GatewayRuntime {
  /** The port actually listened on; set once the server is up (it differs from config with port 0). */
  port: number;
  /** The stable id announced in connect.challenge (common/state/gateway-id); set at start-up. */
  gatewayId?: string;

  constructor(
    readonly config: ResolvedConfig,
    readonly bindHosts: readonly string[],
    readonly startedAtMs: number,
    readonly version: string,
    readonly hostName: string,
    /** SHA-256 of the served certificate (64 lowercase hex); undefined without TLS. */
    readonly tlsFingerprint?: string,
  ) {
    this.port = config.gateway.port;
  }

  get limits(): ResolvedConfig['gateway']['limits'] {
    return this.config.gateway.limits;
  }
}
