import { allowCommandLine, execNotice, shellQuote } from './exec-fix';

describe(shellQuote.name, () => {
  it.each([
    ['/usr/bin/uptime', '/usr/bin/uptime'],
    ['-la', '-la'],
    ['a b', "'a b'"],
    ["it's", "'it'\\''s'"],
    ['$(rm -rf /)', "'$(rm -rf /)'"],
    ['', "''"],
  ])('quotes %j as %s', (word, quoted) => {
    expect(shellQuote(word)).toBe(quoted);
  });
});

describe(allowCommandLine.name, () => {
  it('leaves out the state dir when it is the default one', () => {
    expect(allowCommandLine('/usr/bin/uptime', [], '/home/me/.nestclaw', '/home/me')).toBe('nestclaw node allow /usr/bin/uptime');
  });

  it('refuses a command line too long to read', () => {
    expect(allowCommandLine('/bin/echo', Array(600).fill('xx'), '/home/me/.nestclaw', '/home/me')).toBeUndefined();
  });
});

describe(execNotice.name, () => {
  it('says an allowlist that does not exist refuses everything, and how to add to it', () => {
    // Act
    const notice = execNotice('allowlist', { status: 'missing', file: '/s/exec-approvals.json' }, '/s', '/home/me');

    // Assert
    expect(notice).toBe(
      'exec policy allowlist: the allowlist /s/exec-approvals.json does not exist yet, so system.run refuses every program. ' +
        'Allow one with: NESTCLAW_STATE_DIR=/s nestclaw node allow /usr/bin/uptime (exact arguments after --, or --any-args)',
    );
  });

  it('counts the entries of a usable allowlist', () => {
    expect(execNotice('ask', { status: 'ok', file: '/f', entries: 2 }, '/s')).toBe(
      'exec policy ask: 2 program entries allowed in /f',
    );
  });

  it('calls an allowlist without entries empty', () => {
    expect(execNotice('allowlist', { status: 'ok', file: '/f', entries: 0 }, '/s')).toContain('/f is empty');
  });
});
