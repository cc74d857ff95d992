import type { ExecApprovalRequest } from '../../common/protocol/exec-approval';
import { renderApprovals } from './approvals';

const REQUEST: ExecApprovalRequest = {
  id: 'a1',
  host: 'node',
  nodeId: 'n1',
  hostName: 'garage',
  argv: ['less', '/var/log/syslog'],
  cwd: '/tmp',
  env: { TERM: 'dumb', LC_ALL: 'C' },
  resolvedPath: '/usr/bin/less',
  sessionKey: null,
  createdAtMs: 0,
  expiresAtMs: 60_000,
};

describe(renderApprovals.name, () => {
  it('shows the whole argv, the directory and every variable', () => {
    const [line] = renderApprovals([REQUEST], 0);
    expect(line).toContain('node garage wants to run "less" "/var/log/syslog" (/usr/bin/less) in "/tmp"');
    expect(line).toContain('with env TERM="dumb" LC_ALL="C"');
  });

  it('says so when no variable is set, and cuts nothing from a long argv', () => {
    const long = 'x'.repeat(5_000);
    const [line] = renderApprovals([{ ...REQUEST, argv: ['echo', long], env: {} }], 0);
    expect(line).toContain('with no env');
    expect(line).toContain(long);
  });
});
