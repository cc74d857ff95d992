import type { ConfigSource, ResolvedConfig } from '../../common/config';

export interface RestartNotice {
  reason: string;
  restartExpectedMs: number;
}

/**
 * The process-level hooks the gateway cannot do from inside Nest: restart
 * itself in place (close this app, start a new one on the same port) with a
 * new config. Made by startGateway, which owns the app.
 */
export class GatewayLifecycle {
  private notice?: RestartNotice;

  constructor(
    readonly source: ConfigSource,
    private readonly restartHandler?: (config: ResolvedConfig) => Promise<void>,
  ) {}

  get canRestart(): boolean {
    return this.restartHandler !== undefined;
  }

  /** Set while a restart is under way, so the shutdown event can tell clients to come back. */
  get pendingRestart(): RestartNotice | undefined {
    return this.notice;
  }

  /**
   * Restarts with `config` after `delayMs`, outside the request that asked
   * for it (its answer must leave first). Resolves once the new app listens.
   */
  scheduleRestart(config: ResolvedConfig, notice: RestartNotice, delayMs: number): Promise<void> {
    const handler = this.restartHandler;
    if (!handler) return Promise.reject(new Error('this gateway was started without a restart handler'));
    this.notice = notice;
    return new Promise<void>((resolve, reject) => {
      setTimeout(() => void handler(config).then(resolve, reject), delayMs);
    });
  }
}
