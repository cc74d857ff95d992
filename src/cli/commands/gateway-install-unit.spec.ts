import {
  environmentLine,
  execArg,
  renderUnit,
  systemctlArgs,
  systemctlCommand,
  UnitSpec,
  unwritablePath,
} from './gateway-install-unit';

const USER_SPEC: UnitSpec = {
  scope: 'user',
  nodePath: '/usr/bin/node',
  cliPath: '/opt/nestclaw/bin/nestclaw',
  workingDirectory: '/opt/nestclaw',
  stateDir: '/home/zoe/.nestclaw',
  envFile: '/home/zoe/.nestclaw/gateway.env',
};

const SYSTEM_SPEC: UnitSpec = {
  ...USER_SPEC,
  scope: 'system',
  stateDir: '/var/lib/nestclaw',
  envFile: '/var/lib/nestclaw/gateway.env',
  serviceUser: 'nestclaw',
};

const directives = (unit: string) => unit.split('\n').filter((line) => line && !line.startsWith('#'));

describe(renderUnit.name, () => {
  it('runs the real node and CLI paths with the state dir and env file', () => {
    // Act
    const lines = directives(renderUnit(USER_SPEC));

    // Assert
    expect(lines).toEqual(
      expect.arrayContaining([
        'ExecStart=/usr/bin/node /opt/nestclaw/bin/nestclaw gateway run',
        'WorkingDirectory=/opt/nestclaw',
        'Environment=NESTCLAW_STATE_DIR=/home/zoe/.nestclaw',
        'EnvironmentFile=-/home/zoe/.nestclaw/gateway.env',
        'Restart=on-failure',
        'RestartPreventExitStatus=3',
        'UMask=0077',
        'WantedBy=default.target',
      ]),
    );
  });

  it('leaves system-only settings out of a user unit', () => {
    const text = renderUnit(USER_SPEC);
    expect(text).not.toMatch(/^User=/m);
    expect(text).not.toMatch(/^StateDirectory=/m);
    expect(text).not.toContain('network-online.target');
  });

  it('gives a system unit its user, state directory and sandbox', () => {
    // Act
    const lines = directives(renderUnit(SYSTEM_SPEC));

    // Assert
    expect(lines).toEqual(
      expect.arrayContaining([
        'User=nestclaw',
        'Group=nestclaw',
        'StateDirectory=nestclaw',
        'StateDirectoryMode=0700',
        'ReadWritePaths=/var/lib/nestclaw',
        'ProtectSystem=strict',
        'ProtectHome=true',
        'After=network-online.target',
        'WantedBy=multi-user.target',
      ]),
    );
  });

  it('lets a system service read node or nestclaw under /home', () => {
    const text = renderUnit({ ...SYSTEM_SPEC, homeReadOnly: true });
    expect(text).toMatch(/^ProtectHome=read-only$/m);
    expect(text).not.toMatch(/^ProtectHome=true$/m);
  });

  it('names NESTCLAW_CONFIG_PATH only when it was given', () => {
    expect(renderUnit(USER_SPEC)).not.toContain('NESTCLAW_CONFIG_PATH');
    expect(renderUnit({ ...USER_SPEC, configPath: '/etc/nestclaw/gw.json5' })).toContain(
      'Environment=NESTCLAW_CONFIG_PATH=/etc/nestclaw/gw.json5',
    );
  });

  it('never contains a secret', () => {
    expect(renderUnit(SYSTEM_SPEC)).not.toMatch(/^Environment=.*(TOKEN|PASSWORD|KEY)=/m);
  });
});

describe(execArg.name, () => {
  it.each([
    ['/usr/bin/node', '/usr/bin/node'],
    ['/opt/my node/node', '"/opt/my node/node"'],
    ['/opt/50%/x', '/opt/50%%/x'],
    ['/opt/$HOME/x', '/opt/$$HOME/x'],
    ['/opt/a"b c', '"/opt/a\\"b c"'],
  ])('writes %s as %s', (value, expected) => {
    expect(execArg(value)).toBe(expected);
  });
});

describe(environmentLine.name, () => {
  it.each([
    ['/srv/claw', 'Environment=K=/srv/claw'],
    ['/srv/my claw', 'Environment="K=/srv/my claw"'],
    ['/srv/100%', 'Environment=K=/srv/100%%'],
  ])('writes %s', (value, expected) => {
    expect(environmentLine('K', value)).toBe(expected);
  });
});

describe(unwritablePath.name, () => {
  it('finds a path with a line break', () => {
    expect(unwritablePath(USER_SPEC)).toBeUndefined();
    expect(unwritablePath({ ...USER_SPEC, stateDir: '/tmp/a\nb' })).toBe('/tmp/a\nb');
  });
});

describe(systemctlCommand.name, () => {
  it('adds --user for user units only', () => {
    expect(systemctlArgs('user', 'restart', 'x')).toEqual(['--user', 'restart', 'x']);
    expect(systemctlCommand('system', 'stop', 'x')).toBe('systemctl stop x');
  });
});
