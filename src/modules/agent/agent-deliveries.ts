import { Injectable } from '@nestjs/common';
import { Subject } from 'rxjs';

/** An `agent` run's answer that the caller asked to send through a channel (`deliver: true`). */
export interface AgentDeliveryRequest {
  runId: string;
  sessionKey: string;
  /** Absent when the caller named none; the channels module picks its default. */
  channel?: string;
  accountId?: string;
  to: string;
  text: string;
  /** Stable per `agent` request: deliver at most once per key (it survives retries of that request). */
  idempotencyKey: string;
}

/**
 * The hook between the agent and the channels module, which the agent module
 * does not depend on: the channels module subscribes to `requests$` and
 * sends each request's text to its recipient. Subscribers must not throw.
 */
@Injectable()
export class AgentDeliveries {
  private readonly subject = new Subject<AgentDeliveryRequest>();
  readonly requests$ = this.subject.asObservable();

  /** Hands the request to the subscribed channels module; false when nothing is subscribed. */
  request(delivery: AgentDeliveryRequest): boolean {
    if (!this.subject.observed) return false;
    this.subject.next(delivery);
    return true;
  }
}
