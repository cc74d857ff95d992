import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { GatewayRuntime } from '../config/gateway-runtime';
import { channelsToReconnect } from '../config/reload-plan';
import { ChannelAccessService } from './access/channel-access.service';
import { ChannelRegistry } from './channel-registry';
import type { Channel, ChannelHost, ChannelStatus } from './channel.types';
import { ChannelOutbox } from './outbox/channel-outbox.service';
import { ChannelRouter } from './router/channel-router.service';

/** Starts every enabled channel once the app is up, wires it to the router, and stops it first on shutdown. */
@Injectable()
export class ChannelsService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Channels');
  private readonly started: Channel[] = [];
  private stopListening?: () => void;

  constructor(
    private readonly registry: ChannelRegistry,
    private readonly router: ChannelRouter,
    private readonly outbox: ChannelOutbox,
    private readonly runtime: GatewayRuntime,
    private readonly access: ChannelAccessService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.outbox.start();
    for (const channel of this.registry.enabled()) await this.startChannel(channel);
    // Access settings are read per message; only a new token, API root or enable flag remakes the channel's link.
    this.stopListening = this.runtime.onConfigChange(async ({ changedPaths }) => {
      for (const id of channelsToReconnect(changedPaths)) await this.reconnect(id);
    });
  }

  /** Before the database closes (it is a global module, destroyed last). */
  async onModuleDestroy(): Promise<void> {
    this.stopListening?.();
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

  private async startChannel(channel: Channel): Promise<void> {
    try {
      await channel.start(this.hostFor(channel));
      this.started.push(channel);
    } catch (error) {
      this.logger.error(`${channel.id} did not start: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private async reconnect(id: string): Promise<void> {
    const channel = this.registry.get(id);
    if (!channel) return;
    const index = this.started.indexOf(channel);
    if (index !== -1) {
      this.started.splice(index, 1);
      await channel.stop();
    }
    if (channel.enabled) await this.startChannel(channel);
    this.registry.notifyChanged(id);
    this.logger.log(`${id} ${channel.enabled ? 'reconnected with its new settings' : 'stopped (disabled)'}`);
  }

  private hostFor(channel: Channel): ChannelHost {
    return {
      receive: (envelope, sourceRef) => this.router.receive(channel, envelope, sourceRef),
      flushOutbox: () => this.outbox.flushChannel(channel),
      stateChanged: () => this.registry.notifyChanged(channel.id),
      firstPairedSender: () => this.access.firstPairedSender(channel.id),
    };
  }
}
