import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import { Subject } from 'rxjs';
import { CHANNEL_PROVIDER_KEY } from './channel.decorator';
import type { Channel, ChannelState } from './channel.types';
import { ChannelsErrors } from './channels.errors';

/**
 * Every channel provider in the app, found at start-up by its
 * @ChannelProvider() marker, and the one place other modules ask about them.
 */
@Injectable()
export class ChannelRegistry implements OnModuleInit {
  private readonly channels = new Map<string, Channel>();
  private readonly changes = new Subject<string>();
  /** Emits a channel id whenever that channel's state() may have changed. */
  readonly changes$ = this.changes.asObservable();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
  ) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders()) {
      if (!wrapper.instance || !wrapper.metatype || !this.reflector.get(CHANNEL_PROVIDER_KEY, wrapper.metatype)) continue;
      this.register(wrapper.instance as Channel);
    }
  }

  register(channel: Channel): void {
    if (this.channels.has(channel.id)) throw new Error(`channel "${channel.id}" is registered twice`);
    this.channels.set(channel.id, channel);
  }

  list(): Channel[] {
    return [...this.channels.values()];
  }

  enabled(): Channel[] {
    return this.list().filter((c) => c.enabled);
  }

  get(id: string): Channel | undefined {
    return this.channels.get(id);
  }

  /** The named channel, or the only enabled one; RPC errors name the choices. */
  resolve(id: string | undefined): Channel {
    if (id !== undefined) {
      const channel = this.channels.get(id);
      if (!channel) throw ChannelsErrors.unknownChannel(id, [...this.channels.keys()]);
      if (!channel.enabled) throw ChannelsErrors.channelDisabled(id);
      return channel;
    }
    const enabled = this.enabled();
    if (enabled.length === 1) return enabled[0];
    throw enabled.length === 0 ? ChannelsErrors.noChannelEnabled() : ChannelsErrors.channelRequired(enabled.map((c) => c.id));
  }

  /** For the health snapshot: enabled channels only, so an unused channel adds nothing. */
  snapshot(): Record<string, ChannelState> {
    return Object.fromEntries(this.enabled().map((c) => [c.id, c.state()]));
  }

  notifyChanged(id: string): void {
    this.changes.next(id);
  }
}
