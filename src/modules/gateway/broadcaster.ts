import { Injectable } from '@nestjs/common';
import type { EventPayload, GatewayEvent, StateVersion } from '../../common/protocol';
import { ConnectionRegistry } from './connection/connection-registry';
import { mayReceive, seesPrivateDetails, ViewerPayload } from './event-access';

export interface BroadcastOptions {
  droppable?: boolean;
  stateVersion?: StateVersion;
}

/**
 * Sends one event to every connection allowed to receive it (EVENT_ACCESS),
 * serializing each form of the payload once.
 */
@Injectable()
export class Broadcaster {
  constructor(private readonly registry: ConnectionRegistry) {}

  broadcast<E extends GatewayEvent>(
    event: E,
    payload: EventPayload<E> | ViewerPayload<EventPayload<E>, EventPayload<E>>,
    options: BroadcastOptions = {},
  ): number {
    const forms = new PayloadForms(payload);
    const eventOptions = { withSeq: true, droppable: options.droppable, stateVersion: options.stateVersion };
    let sent = 0;
    for (const connection of this.registry.all()) {
      const session = connection.session;
      if (!session || !mayReceive(event, session)) continue;
      connection.sendEventJson(event, forms.json(seesPrivateDetails(session)), eventOptions);
      sent++;
    }
    return sent;
  }
}

/** Lazily serialized full and limited forms of one payload. */
class PayloadForms {
  private readonly cache = new Map<boolean, string | undefined>();

  constructor(private readonly payload: unknown) {}

  json(full: boolean): string | undefined {
    if (!this.cache.has(full)) {
      const value = this.payload instanceof ViewerPayload ? (full ? this.payload.full : this.payload.limited) : this.payload;
      this.cache.set(full, value === undefined ? undefined : JSON.stringify(value));
    }
    return this.cache.get(full);
  }
}
