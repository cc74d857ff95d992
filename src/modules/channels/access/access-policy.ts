import type { DmPolicy } from '../../../common/config/config.constants';

/** A channel's access settings, as its config section gives them. */
export interface ChannelAccessPolicy {
  dmPolicy: DmPolicy;
  /** Sender ids always allowed (besides senders approved by pairing). */
  allowFrom: readonly string[];
  groups: { enabled: boolean; requireMention: boolean; allowFrom: readonly string[] };
}

export interface AccessSubject {
  isGroup: boolean;
  chatId: string;
  senderId: string;
  mentioned: boolean;
}

export type AccessDecision = { kind: 'allow' } | { kind: 'ignore'; reason: string } | { kind: 'pair' };

const allow: AccessDecision = { kind: 'allow' };
const ignore = (reason: string): AccessDecision => ({ kind: 'ignore', reason });

/**
 * Who may reach the agent. Direct messages follow dmPolicy. Group messages
 * need the bot mentioned (unless requireMention is off) and a group listed in
 * groups.allowFrom; with that list empty, the sender must be one allowed to
 * talk to the bot directly, so adding the bot to a stranger's group does not
 * open it to everyone there. Pairing codes are only ever handed out in direct chats.
 */
export function evaluateAccess(policy: ChannelAccessPolicy, subject: AccessSubject, senderApproved: boolean): AccessDecision {
  const knownSender = senderApproved || policy.allowFrom.includes(subject.senderId);
  if (subject.isGroup) {
    if (!policy.groups.enabled) return ignore('group chats are disabled (groups.enabled)');
    if (policy.groups.requireMention && !subject.mentioned) return ignore('the bot was not mentioned');
    if (policy.groups.allowFrom.length > 0) {
      return policy.groups.allowFrom.includes(subject.chatId) ? allow : ignore('the group is not in groups.allowFrom');
    }
    return policy.dmPolicy === 'open' || knownSender ? allow : ignore('the sender is not an allowed sender');
  }
  switch (policy.dmPolicy) {
    case 'disabled':
      return ignore('direct messages are disabled (dmPolicy "disabled")');
    case 'open':
      return allow;
    case 'allowlist':
      return knownSender ? allow : ignore('the sender is not in allowFrom');
    case 'pairing':
      return knownSender ? allow : { kind: 'pair' };
  }
}
