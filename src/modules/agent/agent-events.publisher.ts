import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { Clock } from '../../common/clock';
import { GatewayEvent } from '../../common/protocol';
import { BrowserMediaRepository } from '../browser/browser-media.repository';
import { Broadcaster } from '../gateway/broadcaster';
import { AgentRuntime } from './agent.runtime';
import type { AgentRunResult, AgentStreamEvent } from './agent.types';
import type { ChatState, ChatMessage, ChatEventPayload } from '../../common/protocol';

export type { ChatState, ChatMessage, ChatEventPayload };

/**
 * Turns every run's stream into the operator events: `agent` (the raw
 * stream) and `chat` (the conversation view WebChat draws). Both go to
 * operators with operator.read. Pieces a client can rebuild from the end of
 * the run (assistant text, tool calls, chat deltas) are droppable; the
 * lifecycle and the final chat state never are.
 */
@Injectable()
export class AgentEventsPublisher implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Agent');
  private readonly chatSeq = new Map<string, number>();
  private readonly subscriptions: Subscription[] = [];

  constructor(
    private readonly runtime: AgentRuntime,
    private readonly broadcaster: Broadcaster,
    private readonly clock: Clock,
    private readonly media: BrowserMediaRepository,
  ) {}

  onModuleInit(): void {
    this.subscriptions.push(
      this.runtime.events$.subscribe((event) => this.guard(() => this.onStream(event))),
      this.runtime.results$.subscribe((result) => this.guard(() => this.onResult(result))),
    );
  }

  onModuleDestroy(): void {
    for (const subscription of this.subscriptions) subscription.unsubscribe();
  }

  private onStream(event: AgentStreamEvent): void {
    this.broadcaster.broadcast(GatewayEvent.Agent, event, { droppable: event.stream !== 'lifecycle' });
    if (event.stream === 'assistant' && typeof event.data.text === 'string') {
      this.chat(event.runId, event.sessionKey, 'delta', { message: assistantMessage(event.data.text, event.ts) });
    }
  }

  private onResult(result: AgentRunResult): void {
    const ts = this.clock.now();
    if (result.status === 'ok') {
      const message = assistantMessage(result.text, ts);
      // Only the pictures' ids go out; the bytes are fetched with chat.media, so a
      // large screenshot never rides in a broadcast to every operator.
      for (const image of result.images ?? []) {
        const mediaId = this.media.idOf(image.path);
        if (mediaId) message.content.push({ type: 'image', mediaId, mimeType: 'image/png' });
      }
      this.chat(result.runId, result.sessionKey, 'final', { message });
    } else if (result.status === 'aborted') this.chat(result.runId, result.sessionKey, 'aborted', {});
    else this.chat(result.runId, result.sessionKey, 'error', { errorMessage: result.error ?? result.text });
    this.chatSeq.delete(result.runId);
  }

  private chat(
    runId: string,
    sessionKey: string,
    state: ChatState,
    extra: Pick<ChatEventPayload, 'message' | 'errorMessage'>,
  ): void {
    const seq = (this.chatSeq.get(runId) ?? 0) + 1;
    this.chatSeq.set(runId, seq);
    const payload: ChatEventPayload = { runId, sessionKey, seq, state, ...extra };
    this.broadcaster.broadcast(GatewayEvent.Chat, payload, { droppable: state === 'delta' });
  }

  /** A throwing rxjs subscriber would be rethrown asynchronously and take the process down. */
  private guard(work: () => void): void {
    try {
      work();
    } catch (error) {
      this.logger.error('could not publish an agent event', (error as Error)?.stack ?? String(error));
    }
  }
}

function assistantMessage(text: string, timestamp: number): ChatMessage {
  return { role: 'assistant', content: [{ type: 'text', text }], timestamp };
}
