import {
  approvalsHash,
  parseExecApprovalsText,
  parseExecApprovalsValue,
  redactExecApprovals,
  withAllowlistEntry,
  withoutAllowlistPattern,
} from './exec-approvals-file';

describe('parseExecApprovalsText', () => {
  it('reads the reference schema, keeping its fields and the nestclaw additive ones', () => {
    const text = JSON.stringify({
      version: 1,
      socket: { path: '~/.x/sock', token: 'secret' },
      defaults: { security: 'allowlist', ask: 'on-miss' },
      agents: {
        '*': { allowlist: [{ pattern: '/usr/bin/uptime', lastUsedAt: 5, id: 'a' }] },
        main: { ask: 'always', allowlist: [{ pattern: 'git', args: ['status', '**'], env: ['GIT_DIR'], note: 'n' }] },
      },
    });
    const parsed = parseExecApprovalsText(text);
    expect(parsed).toEqual({ ok: true, legacy: false, file: JSON.parse(text) });
  });

  it('migrates the earlier {allow: [...]} form, every entry and field kept', () => {
    const parsed = parseExecApprovalsText(
      '{"version":1,"allow":[{"command":"/usr/bin/uptime"},{"command":"git","args":["status","**"],"env":["LESS"],"note":"pager"}]}',
    );
    expect(parsed).toEqual({
      ok: true,
      legacy: true,
      file: {
        version: 1,
        agents: {
          '*': {
            allowlist: [{ pattern: '/usr/bin/uptime' }, { pattern: 'git', args: ['status', '**'], env: ['LESS'], note: 'pager' }],
          },
        },
      },
    });
  });

  it.each<[string, string, RegExp]>([
    ['broken JSON', '{"version":1,', /not valid JSON/],
    ['an array', '[]', /must hold a JSON object/],
    ['another version', '{"version":2}', /"version" must be 1 \(got 2\)/],
    ['an unknown top-level key', '{"version":1,"deny":[]}', /unknown key "deny"/],
    ['a legacy entry without a command', '{"version":1,"allow":[{"cmd":"echo"}]}', /allow\[0\]: unknown key "cmd"/],
    ['a legacy relative path', '{"version":1,"allow":[{"command":"bin/tool"}]}', /"command" must be an absolute path/],
    [
      'a misspelt restriction',
      '{"version":1,"agents":{"*":{"allowlist":[{"pattern":"git","argv":["x"]}]}}}',
      /unknown key "argv"/,
    ],
    ['an empty pattern', '{"version":1,"agents":{"*":{"allowlist":[{"pattern":" "}]}}}', /"pattern" must be a non-empty/],
    ['a globbed bare name', '{"version":1,"agents":{"*":{"allowlist":[{"pattern":"git*"}]}}}', /cannot hold \* or \?/],
    [
      '"**" before the end of args',
      '{"version":1,"agents":{"*":{"allowlist":[{"pattern":"git","args":["**","x"]}]}}}',
      /may only be the last/,
    ],
    ['a bad env name', '{"version":1,"agents":{"*":{"allowlist":[{"pattern":"less","env":["A B"]}]}}}', /"A B"/],
    ['a bad security', '{"version":1,"defaults":{"security":"yolo"}}', /defaults.security must be one of deny, allowlist, full/],
    ['a bad agent key', '{"version":1,"agents":{"../x":{}}}', /agents key "..\/x"/],
  ])('refuses %s, naming the problem', (_name, text, problem) => {
    const parsed = parseExecApprovalsText(text);
    expect(parsed.ok).toBe(false);
    expect((parsed as { problem: string }).problem).toMatch(problem);
  });

  it('refuses an oversized allowlist before looking at its entries', () => {
    const allowlist = Array.from({ length: 1_025 }, () => ({ pattern: 'echo' }));
    expect(parseExecApprovalsValue({ version: 1, agents: { '*': { allowlist } } })).toMatchObject({
      ok: false,
      problem: expect.stringContaining('at most 1024'),
    });
  });

  it('counts entries over all agents together, so more agent keys are no way around the cap', () => {
    const agents = Object.fromEntries(
      Array.from({ length: 2 }, (_, a) => [`agent${a}`, { allowlist: Array.from({ length: 600 }, () => ({ pattern: 'echo' })) }]),
    );
    expect(parseExecApprovalsValue({ version: 1, agents })).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/1200 allowlist entries over all agents; at most 1024/),
    });
  });

  it('refuses a file that would be too large to read back from disk', () => {
    const note = 'n'.repeat(4_000);
    const allowlist = Array.from({ length: 300 }, (_, i) => ({ pattern: `/usr/bin/tool${i}`, note }));
    expect(parseExecApprovalsValue({ version: 1, agents: { '*': { allowlist } } })).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/bytes on disk; at most 1048576/),
    });
  });

  it('bounds a pattern from the wire by its length', () => {
    const parsed = parseExecApprovalsValue({
      version: 1,
      agents: { '*': { allowlist: [{ pattern: `/${'a'.repeat(1_024)}` }] } },
    });
    expect(parsed).toMatchObject({ ok: false, problem: expect.stringContaining('at most 1024 characters') });
  });
});

describe('editing helpers', () => {
  it('adds an entry once under "*" and removes it by pattern under every agent', () => {
    const start = { version: 1 as const, agents: { main: { allowlist: [{ pattern: 'echo' }] } } };
    const added = withAllowlistEntry(start, { pattern: 'echo' });
    expect(added.added).toBe(true);
    expect(withAllowlistEntry(added.file, { pattern: 'echo' }).added).toBe(false);
    const removed = withoutAllowlistPattern(added.file, 'echo');
    expect(removed.removed).toBe(2);
    expect(removed.file.agents).toEqual({ main: { allowlist: [] }, '*': { allowlist: [] } });
  });

  it('never shows the socket token', () => {
    expect(redactExecApprovals({ version: 1, socket: { path: '/s', token: 't' } })).toEqual({
      version: 1,
      socket: { path: '/s' },
    });
  });

  it('hashes the exact text', () => {
    expect(approvalsHash('a')).not.toBe(approvalsHash('a '));
    expect(approvalsHash(undefined)).toBe(approvalsHash(''));
  });
});
