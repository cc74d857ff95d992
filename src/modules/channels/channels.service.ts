import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { ChannelRegistry } from './channel-registry';
import type { Channel, ChannelHost, ChannelStatus } from './channel.types';
import { ChannelOutbox } from './outbox/channel-outbox.service';
import { ChannelRouter } from './router/channel-router.service';

/** Starts every enabled channel once the app is up, wires it to the router, and stops it first on shutdown. */
@Injectable()
export class ChannelsService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Channels');
  private readonly started: Channel[] = [];

  constructor(
    private readonly registry: ChannelRegistry,
    private readonly router: ChannelRouter,
    private readonly outbox: ChannelOutbox,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.outbox.start();
    for (const channel of this.registry.enabled()) {
      try {
        await channel.start(this.hostFor(channel));
        this.started.push(channel);
      } catch (error) {
        this.logger.error(`${channel.id} did not start: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  /** Before the database closes (it is a global module, destroyed last). */
  async onModuleDestroy(): Promise<void> {
    this.outbox.stop();
    await Promise.all(
      this.started
        .splice(0)
        .map((channel) =>
          channel
            .stop()
            .catch((error) =>
              this.logger.warn(`${channel.id} did not stop cleanly: ${error instanceof Error ? error.message : String(error)}`),
            ),
        ),
    );
  }

  async status(probe = false): Promise<Record<string, ChannelStatus>> {
    const entries = await Promise.all(
      this.registry.list().map(async (channel) => [channel.id, await channel.status(probe)] as const),
    );
    return Object.fromEntries(entries);
  }

  private hostFor(channel: Channel): ChannelHost {
    return {
      receive: (envelope, sourceRef) => this.router.receive(channel, envelope, sourceRef),
      flushOutbox: () => this.outbox.flushChannel(channel),
      stateChanged: () => this.registry.notifyChanged(channel.id),
    };
  }
}
