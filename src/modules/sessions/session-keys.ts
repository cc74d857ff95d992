/** Session keys name a conversation: `main:<channel>:dm:<peer>`, `main:<channel>:group:<chat>`, `main:webchat:<id>` (the Control UI makes those). */
export function channelSessionKey(channel: string, chat: { isGroup: boolean; chatId: string; senderId: string }): string {
  return chat.isGroup ? `main:${channel}:group:${chat.chatId}` : `main:${channel}:dm:${chat.senderId}`;
}

export const SESSION_KEY_PATTERN = /^[A-Za-z0-9_.:@-]{1,200}$/;
