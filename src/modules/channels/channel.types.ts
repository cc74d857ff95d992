import type { ChannelAccessPolicy } from './access/access-policy';
import type { ChannelState, ChannelProbe, ChannelStatus } from '../../common/protocol';

export type { ChannelState, ChannelProbe, ChannelStatus };

/**
 * The contract every chat channel implements (docs/channels.md). A channel
 * turns its platform's updates into InboundEnvelopes for the host and sends
 * text back; access policy, sessions, the agent and the outbox are the host's.
 */

/** One inbound chat message, the same shape for every channel. */
export interface InboundEnvelope {
  /** Channel id, e.g. "telegram". */
  channel: string;
  /** Which account of the channel received it (for Telegram: the bot's user id). */
  accountId: string;
  chatId: string;
  messageId: string;
  senderId: string;
  senderName: string;
  /** The text, with the bot's own @mention taken out. */
  text: string;
  replyToMessageId?: string;
  isGroup: boolean;
  /** Whether the message is addressed to the bot: always true in a direct chat. */
  mentioned: boolean;
}

export interface SendTextOptions {
  replyToMessageId?: string;
  /**
   * "markdown" (default): the channel renders the common Markdown subset in
   * its own markup and falls back to plain text when the platform rejects it.
   */
  format?: 'markdown' | 'plain';
}

export interface SentMessage {
  /** The platform's id of the (last) message sent. */
  messageId: string;
}

/** Which conversation a send target is, so `send` can record it in the right session. */
export interface TargetConversation {
  isGroup: boolean;
  chatId: string;
  senderId: string;
}

export type ReceiveResult = 'handled' | 'deferred';

/** What the host gives a channel when it starts it. */
export interface ChannelHost {
  /**
   * Handles one inbound message: access policy, agent run, reply. Resolves
   * "handled" once the reply is sent or durably queued; only then may the
   * channel acknowledge the message to its platform. Resolves "deferred" when
   * the gateway is stopping and the message was not answered: the channel must
   * keep it and offer it again after the restart. Never rejects for a problem
   * with the message itself.
   * @param sourceRef the platform's unique id for this delivery (Telegram: the update id).
   */
  receive(envelope: InboundEnvelope, sourceRef: string): Promise<ReceiveResult>;
  /** Delivers replies queued before a crash or restart; channels call it once linked, before receiving. */
  flushOutbox(): Promise<void>;
  /** Tells the host that state() changed (health events). */
  stateChanged(): void;
  /** The sender first approved by pairing on this channel (the owner when allowFrom names nobody). */
  firstPairedSender(): string | undefined;
}

export interface Channel {
  readonly id: string;
  /** Enabled in config; the host starts only enabled channels. */
  readonly enabled: boolean;
  /** Set once known; replies are queued and cursors kept per account. */
  readonly accountId: string;
  /** Longest text one platform message may hold; the host splits longer replies. */
  readonly textLimit: number;
  /** Who may reach the agent through this channel (from its config section). */
  readonly accessPolicy: ChannelAccessPolicy;

  start(host: ChannelHost): Promise<void>;
  stop(): Promise<void>;
  /** Cheap and synchronous: the health snapshot reads it on every call. */
  state(): ChannelState;
  /** state() plus details, and a live check against the platform when probe is true. */
  status(probe?: boolean): Promise<ChannelStatus>;
  sendText(target: string, text: string, options?: SendTextOptions): Promise<SentMessage>;
  sendTyping(target: string): Promise<void>;
  /** Sends a picture file (a browser screenshot); channels without pictures leave it out and the outbox says so. */
  sendPhoto?(target: string, photo: { path: string; mimeType: string }, options?: { caption?: string }): Promise<SentMessage>;
  /** The conversation a target names, when the channel can tell (Telegram: chat ids ≥ 0 are direct chats). */
  conversationOf(target: string): TargetConversation | undefined;
}

/**
 * Thrown by sendText and friends. `permanent` means retrying the same call
 * cannot help (unknown chat, bot blocked); anything else is retried with backoff.
 */
export class ChannelSendError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'ChannelSendError';
  }
}
