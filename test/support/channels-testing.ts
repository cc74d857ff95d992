import { Logger } from '@nestjs/common';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Clock } from '../../src/common/clock';
import type { GatewayRuntime } from '../../src/modules/config/gateway-runtime';
import { DatabaseService } from '../../src/modules/state/database.service';
import type { ChannelAccessPolicy } from '../../src/modules/channels/access/access-policy';
import type { Channel, ChannelState, InboundEnvelope, SendTextOptions } from '../../src/modules/channels/channel.types';
import { ChannelSendError } from '../../src/modules/channels/channel.types';

/** Helpers for the channels module's unit tests: a real SQLite state in a temp dir, a scriptable channel (the clock is FakeClock in fake-clock.ts). */
export function openTestDatabase(): { database: DatabaseService; close(): void } {
  Logger.overrideLogger(false);
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nestclaw-channels-'));
  const database = new DatabaseService({ config: { stateDir } } as unknown as GatewayRuntime, new Clock());
  return {
    database,
    close: () => {
      database.onModuleDestroy();
      fs.rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

export interface FakeSent {
  target: string;
  text: string;
  options: SendTextOptions;
}

/** A channel whose sends are recorded and can be made to fail. */
export class FakeChannel implements Channel {
  readonly id: string = 'fake';
  readonly enabled = true;
  readonly accountId: string = 'acct';
  textLimit = 1_000;
  accessPolicy: ChannelAccessPolicy = {
    dmPolicy: 'pairing',
    allowFrom: ['100'],
    groups: { enabled: true, requireMention: true, allowFrom: [] },
  };
  readonly sent: FakeSent[] = [];
  readonly typing: string[] = [];
  running = true;
  /** Errors thrown by the next sendText calls, in order. */
  readonly failures: Error[] = [];
  private nextId = 1;

  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  state(): ChannelState {
    return { configured: true, running: this.running, linked: this.running };
  }
  async status() {
    return { ...this.state(), enabled: true };
  }
  async sendText(target: string, text: string, options: SendTextOptions = {}) {
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.sent.push({ target, text, options });
    return { messageId: String(this.nextId++) };
  }
  async sendTyping(target: string): Promise<void> {
    this.typing.push(target);
  }
  conversationOf(target: string) {
    return { isGroup: target.startsWith('-'), chatId: target, senderId: target.startsWith('-') ? '' : target };
  }
}

export const transientFailure = (retryAfterMs?: number) => new ChannelSendError('try later', false, retryAfterMs);
export const permanentFailure = () => new ChannelSendError('chat not found', true);

export function envelope(overrides: Partial<InboundEnvelope> = {}): InboundEnvelope {
  return {
    channel: 'fake',
    accountId: 'acct',
    chatId: '100',
    messageId: '1',
    senderId: '100',
    senderName: 'Ada Lovelace',
    text: 'hello',
    isGroup: false,
    mentioned: true,
    ...overrides,
  };
}
