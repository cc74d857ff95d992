import type { ExecApprovalRequest } from '../../approvals/approvals.types';
import { approvalPrompt, resolveApprovers } from './telegram-approvals';

const REQUEST: ExecApprovalRequest = {
  id: 'a1',
  host: 'node',
  hostName: 'shed',
  argv: ['less', 'my file.txt'],
  cwd: '/srv',
  env: { TERM: 'dumb', TZ: 'Europe/Paris' },
  resolvedPath: '/usr/bin/less',
  sessionKey: null,
  createdAtMs: 0,
  expiresAtMs: 120_000,
};

describe(approvalPrompt.name, () => {
  it('shows the whole argv, the directory and every variable', () => {
    const { text, complete } = approvalPrompt(REQUEST);
    expect(complete).toBe(true);
    expect(text).toContain(
      'Node shed wants to run:\nless "my file.txt"\nprogram: /usr/bin/less\nin: /srv\nenv: TERM=dumb TZ=Europe/Paris\n',
    );
    expect(text).toContain('"Always" allows this program with exactly these arguments.');
  });

  it('says when there is no env', () => {
    expect(approvalPrompt({ ...REQUEST, env: {} }).text).toContain('\nenv: (none)\n');
  });

  it('marks a request too long for one message as incomplete instead of cutting it silently', () => {
    const { text, complete } = approvalPrompt({ ...REQUEST, argv: ['echo', 'x'.repeat(5_000)] });
    expect(complete).toBe(false);
    expect(text.length).toBeLessThan(4_096);
    expect(text).toContain('too long to show here, so it can only be denied here');
    expect(text).toMatch(/id a1$/);
  });

  it('counts a long env against the message too', () => {
    expect(approvalPrompt({ ...REQUEST, env: { TERM: 'x'.repeat(4_000) } }).complete).toBe(false);
  });
});

describe(resolveApprovers.name, () => {
  const noPairing = () => undefined;

  it('takes the explicit approvers list over the owner, without duplicates', () => {
    expect(resolveApprovers({ approvers: ['7', '8', '7'], allowFrom: ['1'] }, () => '9')).toEqual(['7', '8']);
  });

  it('is the owner otherwise: the first allowFrom user, skipping group ids', () => {
    expect(resolveApprovers({ approvers: [], allowFrom: ['-100200', '1', '2'] }, () => '9')).toEqual(['1']);
  });

  it('is the first paired sender when allowFrom names no user (the README config)', () => {
    expect(resolveApprovers({ approvers: [], allowFrom: [] }, () => '9')).toEqual(['9']);
  });

  it('is nobody when there is no list, no allowFrom user and no paired sender', () => {
    expect(resolveApprovers({ approvers: [], allowFrom: ['-100200'] }, noPairing)).toEqual([]);
  });
});
