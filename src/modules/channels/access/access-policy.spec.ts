import { AccessDecision, ChannelAccessPolicy, evaluateAccess } from './access-policy';

const policy = (
  overrides: Partial<ChannelAccessPolicy> = {},
  groups: Partial<ChannelAccessPolicy['groups']> = {},
): ChannelAccessPolicy => ({
  dmPolicy: 'pairing',
  allowFrom: ['100'],
  ...overrides,
  groups: { enabled: true, requireMention: true, allowFrom: [], ...groups },
});
const dm = (senderId: string) => ({ isGroup: false, chatId: senderId, senderId, mentioned: true });
const group = (senderId: string, mentioned: boolean, chatId = '-500') => ({ isGroup: true, chatId, senderId, mentioned });

describe('evaluateAccess', () => {
  describe('direct messages', () => {
    it.each<[string, ChannelAccessPolicy, string, boolean, AccessDecision['kind']]>([
      ['pairing: listed sender', policy(), '100', false, 'allow'],
      ['pairing: approved sender', policy(), '200', true, 'allow'],
      ['pairing: unknown sender gets a code', policy(), '200', false, 'pair'],
      ['allowlist: listed sender', policy({ dmPolicy: 'allowlist' }), '100', false, 'allow'],
      ['allowlist: approved sender', policy({ dmPolicy: 'allowlist' }), '200', true, 'allow'],
      ['allowlist: unknown sender is ignored, no code', policy({ dmPolicy: 'allowlist' }), '200', false, 'ignore'],
      ['open: anyone', policy({ dmPolicy: 'open' }), '999', false, 'allow'],
      ['disabled: even a listed sender', policy({ dmPolicy: 'disabled' }), '100', true, 'ignore'],
    ])('%s', (_name, p, sender, approved, expected) => {
      expect(evaluateAccess(p, dm(sender), approved).kind).toBe(expected);
    });
  });

  describe('groups', () => {
    it.each<[string, ChannelAccessPolicy, ReturnType<typeof group>, boolean, AccessDecision['kind']]>([
      ['mentioned by a listed sender', policy(), group('100', true), false, 'allow'],
      ['not mentioned', policy(), group('100', false), false, 'ignore'],
      ['not mentioned, mention not required', policy({}, { requireMention: false }), group('100', false), false, 'allow'],
      ['groups disabled', policy({}, { enabled: false }), group('100', true), false, 'ignore'],
      ['unknown sender never gets a code in a group', policy(), group('200', true), false, 'ignore'],
      ['approved sender', policy(), group('200', true), true, 'allow'],
      ['open policy: anyone who mentions the bot', policy({ dmPolicy: 'open' }), group('999', true), false, 'allow'],
      ['listed group: any sender', policy({}, { allowFrom: ['-500'] }), group('999', true), false, 'allow'],
      ['unlisted group: even a listed sender', policy({}, { allowFrom: ['-600'] }), group('100', true), false, 'ignore'],
      ['listed group still needs the mention', policy({}, { allowFrom: ['-500'] }), group('999', false), false, 'ignore'],
    ])('%s', (_name, p, subject, approved, expected) => {
      expect(evaluateAccess(p, subject, approved).kind).toBe(expected);
    });

    it('does not let dmPolicy "disabled" block groups', () => {
      expect(evaluateAccess(policy({ dmPolicy: 'disabled' }), group('100', true), false).kind).toBe('allow');
    });
  });
});
