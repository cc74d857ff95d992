import { nodeRunArgs, renderNodeUnit, type NodeUnitSpec } from './node-install-unit';

const SPEC: NodeUnitSpec = {
  unitName: 'nestclaw-node',
  nodePath: '/usr/bin/node',
  cliPath: '/opt/nestclaw/bin/nestclaw',
  workingDirectory: '/opt/nestclaw',
  stateDir: '/home/ada/.nestclaw',
  envFile: '/home/ada/.nestclaw/node.env',
  execPolicy: 'allowlist',
  remotePolicy: true,
};

describe('renderNodeUnit', () => {
  it('runs node run with the policy, loads the env file and keeps secrets out', () => {
    const unit = renderNodeUnit(SPEC);
    expect(unit).toContain('ExecStart=/usr/bin/node /opt/nestclaw/bin/nestclaw node run --exec allowlist\n');
    expect(unit).toContain('EnvironmentFile=/home/ada/.nestclaw/node.env\n');
    expect(unit).toContain('Environment=NESTCLAW_STATE_DIR=/home/ada/.nestclaw\n');
    expect(unit).toContain('WantedBy=default.target');
    expect(unit).not.toMatch(/TOKEN=|PASSWORD=/);
  });

  it('passes the profile, the display name and --no-remote-policy on', () => {
    expect(nodeRunArgs({ ...SPEC, profile: 'lab', displayName: 'lab box', remotePolicy: false })).toEqual([
      '--profile',
      'lab',
      'node',
      'run',
      '--exec',
      'allowlist',
      '--display-name',
      'lab box',
      '--no-remote-policy',
    ]);
    expect(renderNodeUnit({ ...SPEC, displayName: 'lab box', envFile: '/x/100%/node.env' })).toContain(
      'ExecStart=/usr/bin/node /opt/nestclaw/bin/nestclaw node run --exec allowlist --display-name "lab box"',
    );
  });

  it('passes --browser and each allowed URL on, escaped for systemd', () => {
    const spec = { ...SPEC, browser: true, browserAllowUrls: ['http://127.0.0.1:3000/*', 'http://lab/100%'] };

    expect(nodeRunArgs(spec).slice(-5)).toEqual([
      '--browser',
      '--browser-allow-url',
      'http://127.0.0.1:3000/*',
      '--browser-allow-url',
      'http://lab/100%',
    ]);
    expect(renderNodeUnit(spec)).toContain(
      'node run --exec allowlist --browser --browser-allow-url http://127.0.0.1:3000/* --browser-allow-url http://lab/100%%\n',
    );
    expect(nodeRunArgs(SPEC)).not.toContain('--browser');
  });
});
