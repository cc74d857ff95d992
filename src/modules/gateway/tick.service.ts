import { Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { GatewayEvent } from '../../common/protocol';
import { Broadcaster } from './broadcaster';
import { GatewayRuntime } from '../config/gateway-runtime';

/** Periodic `tick` so clients can tell a silent link from a dead one. */
@Injectable()
export class TickService implements OnApplicationBootstrap, OnModuleDestroy {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly broadcaster: Broadcaster,
    private readonly runtime: GatewayRuntime,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(
      () => this.broadcaster.broadcast(GatewayEvent.Tick, { ts: this.clock.now() }, { droppable: true }),
      this.runtime.limits.tickIntervalMs,
    );
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }
}
