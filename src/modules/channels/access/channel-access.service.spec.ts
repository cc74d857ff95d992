import { envelope, openTestDatabase } from '../../../../test/support/channels-testing';
import { FakeClock } from '../../../../test/support/fake-clock';
import type { ChannelAccessPolicy } from './access-policy';
import { ChannelAccessRepository } from './channel-access.repository';
import { ChannelAccessService, MAX_PENDING_PAIRING_CODES } from './channel-access.service';
import { generatePairingCode, normalizePairingCode, PAIRING_CODE_ALPHABET, PAIRING_CODE_TTL_MS } from './pairing-code';

const pairing: ChannelAccessPolicy = {
  dmPolicy: 'pairing',
  allowFrom: [],
  groups: { enabled: true, requireMention: true, allowFrom: [] },
};
const stranger = (id: string) => envelope({ senderId: id, chatId: id, senderName: `Person ${id}` });

describe(ChannelAccessService.name, () => {
  let db: ReturnType<typeof openTestDatabase>;
  let clock: FakeClock;
  let service: ChannelAccessService;

  beforeEach(() => {
    db = openTestDatabase();
    clock = new FakeClock();
    service = new ChannelAccessService(new ChannelAccessRepository(db.database), clock);
  });
  afterEach(() => db.close());

  describe('decide', () => {
    it('gives a stranger one code, and nothing more to send while it lives', () => {
      // Act
      const first = service.decide(pairing, stranger('7'));
      clock.ms += PAIRING_CODE_TTL_MS - 1;
      const second = service.decide(pairing, stranger('7'));

      // Assert
      expect(first).toMatchObject({ kind: 'pair' });
      expect(second).toMatchObject({ kind: 'ignore', reason: expect.stringContaining('already got a pairing code') });
      if (first.kind !== 'pair') throw new Error('expected a code');
      expect(service.pending()).toEqual([first.code]);
      expect(first.code.code).toMatch(new RegExp(`^[${PAIRING_CODE_ALPHABET}]{8}$`));
      expect(first.code.expiresAtMs - first.code.createdAtMs).toBe(PAIRING_CODE_TTL_MS);
    });

    it('replaces an expired code with a new one', () => {
      // Arrange
      const first = service.decide(pairing, stranger('7'));
      clock.ms += PAIRING_CODE_TTL_MS;

      // Act
      const second = service.decide(pairing, stranger('7'));

      // Assert
      expect(second).toMatchObject({ kind: 'pair' });
      expect(service.pending()).toHaveLength(1);
      if (first.kind === 'pair' && second.kind === 'pair') expect(second.code.code).not.toBe(first.code.code);
    });

    it('still gives a newcomer a code when the cap is full, dropping the oldest code', () => {
      // Arrange
      for (let i = 0; i < MAX_PENDING_PAIRING_CODES; i++) {
        service.decide(pairing, stranger(String(1000 + i)));
        clock.ms += 1;
      }

      // Act
      const outcome = service.decide(pairing, stranger('9'));

      // Assert
      expect(outcome.kind).toBe('pair');
      const pending = service.pending();
      expect(pending).toHaveLength(MAX_PENDING_PAIRING_CODES);
      expect(pending.map((c) => c.senderId)).not.toContain('1000');
      expect(pending.at(-1)?.senderId).toBe('9');
    });
  });

  describe('approve', () => {
    it('accepts the code in any case and with separators, and allows the sender from then on', () => {
      // Arrange
      const outcome = service.decide(pairing, stranger('7'));
      if (outcome.kind !== 'pair') throw new Error('expected a code');
      const typed = `${outcome.code.code.slice(0, 4).toLowerCase()}-${outcome.code.code.slice(4)}`;

      // Act
      const approved = service.approve('fake', typed);

      // Assert
      expect(approved).toMatchObject({ senderId: '7', senderName: 'Person 7' });
      expect(service.pending()).toEqual([]);
      expect(service.decide(pairing, stranger('7'))).toEqual({ kind: 'allow' });
    });

    it('refuses an expired code', () => {
      // Arrange
      const outcome = service.decide(pairing, stranger('7'));
      if (outcome.kind !== 'pair') throw new Error('expected a code');
      clock.ms += PAIRING_CODE_TTL_MS;

      // Act / Assert
      expect(() => service.approve('fake', outcome.code.code)).toThrow(/no pending pairing code .* expired/);
    });

    it('refuses an unknown code, and a code of another channel', () => {
      // Arrange
      const outcome = service.decide(pairing, stranger('7'));
      if (outcome.kind !== 'pair') throw new Error('expected a code');

      // Act / Assert
      expect(() => service.approve('fake', 'AAAAAAAA')).toThrow('no pending pairing code AAAAAAAA for fake');
      expect(() => service.approve('other', outcome.code.code)).toThrow(`no pending pairing code ${outcome.code.code} for other`);
    });
  });
});

describe('generatePairingCode', () => {
  it('draws 8 characters from the unambiguous alphabet', () => {
    const codes = Array.from({ length: 200 }, () => generatePairingCode());
    for (const code of codes) expect(code).toMatch(/^[A-HJKMNP-Z2-9]{8}$/);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('has no 0, O, 1, I or L', () => {
    expect(PAIRING_CODE_ALPHABET).not.toMatch(/[01OIL]/);
  });
});

describe('normalizePairingCode', () => {
  it('upper-cases and drops spaces and dashes', () => {
    expect(normalizePairingCode(' abcd-ef 23 ')).toBe('ABCDEF23');
  });
});
