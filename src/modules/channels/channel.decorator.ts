import { applyDecorators, Injectable, SetMetadata } from '@nestjs/common';

export const CHANNEL_PROVIDER_KEY = 'nestclaw:channel-provider';

/**
 * Marks a provider that implements the Channel contract; the ChannelRegistry
 * finds every such provider at start-up, so a channel registers itself by
 * being provided in its own module (docs/channels.md).
 */
export const ChannelProvider = () => applyDecorators(Injectable(), SetMetadata(CHANNEL_PROVIDER_KEY, true));
