import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Subscription } from 'rxjs';
import { AgentDeliveries, type AgentDeliveryRequest } from '../../agent/agent-deliveries';
import { ChannelDelivery } from './channel-delivery.service';

/**
 * Sends the answers of `agent` runs asked to deliver them (`deliver: true`).
 * Keyed by the request's idempotency key, so a retried request never
 * delivers twice; a delivery that cannot go out now stays queued in the outbox.
 */
@Injectable()
export class AgentDeliverySubscriber implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('AgentDelivery');
  private subscription?: Subscription;

  constructor(
    private readonly deliveries: AgentDeliveries,
    private readonly delivery: ChannelDelivery,
  ) {}

  onModuleInit(): void {
    this.subscription = this.deliveries.requests$.subscribe((request) => void this.deliver(request));
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }

  private async deliver(request: AgentDeliveryRequest): Promise<void> {
    try {
      await this.delivery.deliver({
        channel: request.channel,
        accountId: request.accountId,
        to: request.to,
        text: request.text,
        // Already namespaced ("agent:<key>") by the agent module, apart from send:<key> and update ids.
        sourceRef: request.idempotencyKey,
      });
    } catch (error) {
      this.logger.warn(
        `run ${request.runId}: answer not delivered to ${request.channel ?? 'the default channel'} ${request.to}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}
