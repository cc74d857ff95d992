import type { Channel } from '../channel.types';

/** Telegram shows "typing…" for about 5 s per action, so it is repeated a little faster than that. */
export const TYPING_REPEAT_MS = 4_000;

/** Shows "typing…" in a chat until stopped; failures are ignored (it is only a hint). */
export function startTyping(channel: Channel, chatId: string, repeatMs = TYPING_REPEAT_MS): { stop(): void } {
  const send = () => void channel.sendTyping(chatId).catch(() => undefined);
  send();
  const timer = setInterval(send, repeatMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
