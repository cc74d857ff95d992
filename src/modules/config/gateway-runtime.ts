import type { ResolvedConfig } from '../../common/config';

/** What changed in one reload: dotted key paths of the config file, e.g. "channels.telegram.dmPolicy". */
export interface ConfigChange {
  readonly previous: ResolvedConfig;
  readonly current: ResolvedConfig;
  readonly changedPaths: readonly string[];
}

export type ConfigChangeListener = (change: ConfigChange) => void | Promise<void>;

/**
 * Facts about this running gateway that handlers report (status, hello-ok),
 * and the effective config. The config is replaced whole on a hot reload
 * (ConfigService); code that reads `runtime.config` when it acts sees the
 * new value at once, code that keeps state built from it listens with
 * onConfigChange.
 */
export class GatewayRuntime {
  /** The port actually listened on; set once the server is up (it differs from config with port 0). */
  port: number;
  /** The stable id announced in connect.challenge (common/state/gateway-id); set at start-up. */
  gatewayId?: string;
  private current: ResolvedConfig;
  private readonly listeners = new Set<ConfigChangeListener>();

  constructor(
    config: ResolvedConfig,
    readonly bindHosts: readonly string[],
    readonly startedAtMs: number,
    readonly version: string,
    readonly hostName: string,
    /** SHA-256 of the served certificate (64 lowercase hex); undefined without TLS. */
    readonly tlsFingerprint?: string,
  ) {
    this.current = config;
    this.port = config.gateway.port;
  }

  get config(): ResolvedConfig {
    return this.current;
  }

  get limits(): ResolvedConfig['gateway']['limits'] {
    return this.current.gateway.limits;
  }

  /** Returns the function that stops listening. */
  onConfigChange(listener: ConfigChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Swaps in a validated config and waits for every listener. A listener
   * that fails does not undo the swap (the file is already the new truth);
   * its error is returned so the caller can report it.
   */
  async replaceConfig(next: ResolvedConfig, changedPaths: readonly string[]): Promise<Error[]> {
    const change: ConfigChange = { previous: this.current, current: next, changedPaths };
    this.current = next;
    const failures: Error[] = [];
    for (const listener of this.listeners) {
      try {
        await listener(change);
      } catch (error) {
        failures.push(error instanceof Error ? error : new Error(String(error)));
      }
    }
    return failures;
  }
}
