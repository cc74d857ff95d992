import { Injectable } from '@nestjs/common';
import type { EventPayload, GatewayEvent, StateVersion } from '../../common/protocol';
import { accessDenial } from './rpc/access';
import type { OperatorScope } from '../../common/protocol';
import { ConnectionRegistry } from './connection/connection-registry';

export interface BroadcastOptions {
  /** Operators need this scope to receive it; undefined sends to every connection, nodes included. */
  scope?: OperatorScope;
  droppable?: boolean;
  stateVersion?: StateVersion;
}

/** Sends one event to many connections, serializing the payload once. */
@Injectable()
export class Broadcaster {
  constructor(private readonly registry: ConnectionRegistry) {}

  broadcast<E extends GatewayEvent>(event: E, payload: EventPayload<E>, options: BroadcastOptions = {}): number {
    const payloadJson = payload === undefined ? undefined : JSON.stringify(payload);
    const eventOptions = { withSeq: true, droppable: options.droppable, stateVersion: options.stateVersion };
    let sent = 0;
    for (const connection of this.registry.all()) {
      const session = connection.session;
      if (!session) continue;
      if (options.scope && accessDenial({ role: 'operator', scope: options.scope }, session)) continue;
      connection.sendEventJson(event, payloadJson, eventOptions);
      sent++;
    }
    return sent;
  }
}
