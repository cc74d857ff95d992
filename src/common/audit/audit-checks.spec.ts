import type { NetworkInterfaceInfo } from 'node:os';
import { loadConfig } from '../config';
import type { InterfaceTable } from '../net/bind';
import { AuditCheck, AuditFacts, FileFact, Severity } from './audit.types';
import { checkExecWithoutAllowlist, checkNodeSystemRun, checkTelegramOpenDms } from './feature-checks';
import { checkFileModes } from './file-checks';
import {
  checkAllowTailscaleWithFunnel,
  checkFunnel,
  checkNonLoopbackBind,
  checkPublicAddress,
  checkTlsOffOnNetwork,
  checkTrustedProxies,
} from './network-checks';
import { checkSecretsInConfig, checkWeakPassword, checkWeakToken, secretWeakness } from './secret-checks';

const STRONG = 'Zq3xV9mPk2LwT8rN5sYb7cHd4fJg6';
const STATE = '/home/tester/.nestclaw';

function iface(address: string, family: 'IPv4' | 'IPv6' = address.includes(':') ? 'IPv6' : 'IPv4'): NetworkInterfaceInfo {
  return {
    address,
    family,
    internal: address.startsWith('127.') || address === '::1',
    netmask: '',
    mac: '',
    cidr: null,
  } as NetworkInterfaceInfo;
}

const PRIVATE_HOST: InterfaceTable = { lo: [iface('127.0.0.1'), iface('::1')], eth0: [iface('192.168.1.20'), iface('fe80::1')] };
const PUBLIC_HOST: InterfaceTable = { lo: [iface('127.0.0.1')], eth0: [iface('8.8.4.4'), iface('2a01:4f8::5')] };
const TAILNET_HOST: InterfaceTable = { ...PRIVATE_HOST, tailscale0: [iface('100.101.102.103')] };

interface Case {
  file?: object;
  env?: Record<string, string>;
  interfaces?: InterfaceTable;
  generatedToken?: string;
  files?: FileFact[];
}

function facts({ file = {}, env = {}, interfaces = PRIVATE_HOST, generatedToken, files = [] }: Case): AuditFacts {
  const config = loadConfig({
    env: { NESTCLAW_STATE_DIR: STATE, ...env },
    homeDir: '/home/tester',
    readFile: () => JSON.stringify(file),
  });
  return { config, interfaces, generatedToken, files };
}

type Row = [string, Case, Array<[string, Severity]>];

function runTable(check: AuditCheck, rows: Row[]): void {
  it.each(rows)('%s', (_name, input, expected) => {
    // Act
    const findings = check(facts(input));

    // Assert
    expect(findings.map((f) => [f.id, f.severity])).toEqual(expected);
    for (const finding of findings) {
      expect(finding.message).not.toBe('');
      expect(finding.fix).not.toBe('');
    }
  });
}

const auth = (a: object) => ({ gateway: { auth: a } });

describe('audit checks', () => {
  describe(checkNonLoopbackBind.name, () => {
    runTable(checkNonLoopbackBind, [
      ['loopback is fine', {}, []],
      ['auto is loopback', { file: { gateway: { bind: 'auto' } } }, []],
      ['custom loopback host is fine', { file: { gateway: { bind: 'custom', customBindHost: '127.0.0.1' } } }, []],
      ['lan warns', { file: { gateway: { bind: 'lan' } } }, [['gateway.bind.non-loopback', 'warn']]],
      [
        'custom private host warns',
        { file: { gateway: { bind: 'custom', customBindHost: '192.168.1.20' } } },
        [['gateway.bind.non-loopback', 'warn']],
      ],
      [
        'tailnet is only info',
        { file: { gateway: { bind: 'tailnet' } }, interfaces: TAILNET_HOST },
        [['gateway.bind.non-loopback', 'info']],
      ],
      ['an unresolvable bind is left to start-up', { file: { gateway: { bind: 'tailnet' } } }, []],
    ]);
  });

  describe(checkPublicAddress.name, () => {
    runTable(checkPublicAddress, [
      ['lan on a private host', { file: { gateway: { bind: 'lan' } } }, []],
      [
        'lan on a host with a public IPv4',
        { file: { gateway: { bind: 'lan' } }, interfaces: PUBLIC_HOST },
        [['gateway.bind.public', 'critical']],
      ],
      ['loopback on a public host', { interfaces: PUBLIC_HOST }, []],
      [
        'custom public address',
        { file: { gateway: { bind: 'custom', customBindHost: '8.8.4.4' } }, interfaces: PUBLIC_HOST },
        [['gateway.bind.public', 'critical']],
      ],
      [
        'custom :: covers the public IPv6',
        { file: { gateway: { bind: 'custom', customBindHost: '::' } }, interfaces: { eth0: [iface('2a01:4f8::5')] } },
        [['gateway.bind.public', 'critical']],
      ],
      [
        'lan (IPv4 only) does not cover a public IPv6',
        { file: { gateway: { bind: 'lan' } }, interfaces: { eth0: [iface('10.0.0.2'), iface('2a01:4f8::5')] } },
        [],
      ],
    ]);

    it('names the public address', () => {
      const [finding] = checkPublicAddress(facts({ file: { gateway: { bind: 'lan' } }, interfaces: PUBLIC_HOST }));
      expect(finding.message).toContain('8.8.4.4');
      expect(finding.message).not.toContain('2a01');
    });
  });

  describe(checkTlsOffOnNetwork.name, () => {
    runTable(checkTlsOffOnNetwork, [
      ['loopback without TLS', {}, []],
      ['lan without TLS', { file: { gateway: { bind: 'lan' } } }, [['gateway.tls.off', 'warn']]],
      ['lan with TLS', { file: { gateway: { bind: 'lan', tls: { enabled: true } } } }, []],
      ['tailnet without TLS (WireGuard encrypts)', { file: { gateway: { bind: 'tailnet' } }, interfaces: TAILNET_HOST }, []],
    ]);
  });

  describe(checkFunnel.name, () => {
    runTable(checkFunnel, [
      ['off', {}, []],
      ['serve', { file: { gateway: { tailscale: { mode: 'serve' } } } }, []],
      [
        'funnel with a password',
        {
          file: { gateway: { tailscale: { mode: 'funnel' }, auth: { mode: 'password' } } },
          env: { NESTCLAW_GATEWAY_PASSWORD: 'x' },
        },
        [['gateway.tailscale.funnel', 'warn']],
      ],
      [
        'funnel with a token',
        { file: { gateway: { tailscale: { mode: 'funnel' } } } },
        [['gateway.tailscale.funnel', 'critical']],
      ],
    ]);
  });

  describe(checkAllowTailscaleWithFunnel.name, () => {
    runTable(checkAllowTailscaleWithFunnel, [
      ['serve with the default', { file: { gateway: { tailscale: { mode: 'serve' } } } }, []],
      ['funnel without allowTailscale', { file: { gateway: { tailscale: { mode: 'funnel' } } } }, []],
      [
        'funnel with allowTailscale',
        { file: { gateway: { tailscale: { mode: 'funnel' }, auth: { allowTailscale: true } } } },
        [['gateway.auth.allow-tailscale-funnel', 'warn']],
      ],
    ]);
  });

  describe(checkTrustedProxies.name, () => {
    runTable(checkTrustedProxies, [
      ['none', {}, []],
      ['loopback and private proxies', { file: { gateway: { trustedProxies: ['127.0.0.1', '10.0.0.2', '::1'] } } }, []],
      ['0.0.0.0', { file: { gateway: { trustedProxies: ['127.0.0.1', '0.0.0.0'] } } }, [['gateway.trusted-proxies', 'warn']]],
      ['::', { file: { gateway: { trustedProxies: ['::'] } } }, [['gateway.trusted-proxies', 'warn']]],
      ['a public address', { file: { gateway: { trustedProxies: ['8.8.8.8'] } } }, [['gateway.trusted-proxies', 'warn']]],
    ]);

    it('lists only the suspicious entries', () => {
      const [finding] = checkTrustedProxies(facts({ file: { gateway: { trustedProxies: ['10.0.0.2', '0.0.0.0', '8.8.8.8'] } } }));
      expect(finding.message).toContain('0.0.0.0 (unspecified), 8.8.8.8 (public)');
      expect(finding.message).not.toContain('10.0.0.2');
    });
  });

  describe(checkWeakToken.name, () => {
    runTable(checkWeakToken, [
      ['no token anywhere', {}, []],
      ['a strong configured token', { env: { NESTCLAW_GATEWAY_TOKEN: STRONG } }, []],
      ['a strong generated token', { generatedToken: 'kP3vX9qL2mN8rT5wY7zB4cF6hJ1dG0sA-_Qe' }, []],
      ['a short token on loopback', { env: { NESTCLAW_GATEWAY_TOKEN: 'short-token' } }, [['gateway.auth.weak-token', 'warn']]],
      [
        'a short token on lan',
        { env: { NESTCLAW_GATEWAY_TOKEN: 'short-token' }, file: { gateway: { bind: 'lan' } } },
        [['gateway.auth.weak-token', 'critical']],
      ],
      [
        'a long token with little variety',
        { env: { NESTCLAW_GATEWAY_TOKEN: 'ab'.repeat(20) } },
        [['gateway.auth.weak-token', 'warn']],
      ],
      [
        'the example placeholder',
        { file: auth({ token: 'replace-with-a-long-random-string' }) },
        [['gateway.auth.weak-token', 'warn']],
      ],
      ['a weak hand-written token file', { generatedToken: 'hunter2' }, [['gateway.auth.weak-token', 'warn']]],
      [
        'a weak token with serve is exposed',
        { env: { NESTCLAW_GATEWAY_TOKEN: 'x' }, file: { gateway: { tailscale: { mode: 'serve' } } } },
        [['gateway.auth.weak-token', 'critical']],
      ],
      [
        'password mode ignores the token',
        {
          env: { NESTCLAW_GATEWAY_TOKEN: 'x', NESTCLAW_GATEWAY_PASSWORD: 'a long enough passphrase' },
          file: auth({ mode: 'password' }),
        },
        [],
      ],
    ]);

    it('names the source, never the token', () => {
      const [finding] = checkWeakToken(facts({ env: { NESTCLAW_GATEWAY_TOKEN: 'tiny-secret' } }));
      expect(finding.message).toContain('NESTCLAW_GATEWAY_TOKEN');
      expect(finding.message).not.toContain('tiny-secret');
    });
  });

  describe(checkWeakPassword.name, () => {
    runTable(checkWeakPassword, [
      ['token mode', {}, []],
      ['a long passphrase', { env: { NESTCLAW_GATEWAY_PASSWORD: 'purple tractor sings loudly' } }, []],
      ['a short password', { env: { NESTCLAW_GATEWAY_PASSWORD: 'hunter22' } }, [['gateway.auth.weak-password', 'warn']]],
      [
        'a short password with funnel',
        { env: { NESTCLAW_GATEWAY_PASSWORD: 'hunter22' }, file: { gateway: { tailscale: { mode: 'funnel' } } } },
        [['gateway.auth.weak-password', 'critical']],
      ],
    ]);
  });

  describe(checkSecretsInConfig.name, () => {
    runTable(checkSecretsInConfig, [
      ['no secrets in the file', { env: { NESTCLAW_GATEWAY_TOKEN: STRONG } }, []],
      ['a token in the file', { file: auth({ token: STRONG }) }, [['config.secret-in-file', 'warn']]],
      [
        'a password in the file',
        { file: auth({ password: 'purple tractor sings loudly' }) },
        [['config.secret-in-file', 'warn']],
      ],
      [
        'a bot token in the file',
        { file: { channels: { telegram: { botToken: '1:abc' } } } },
        [['config.secret-in-file', 'warn']],
      ],
      ['an API key in the file', { file: { agent: { apiKey: 'sk-x' } } }, [['config.secret-in-file', 'warn']]],
      ['remote secrets belong in the file', { file: { gateway: { remote: { url: 'ws://h:1', token: STRONG } } } }, []],
    ]);

    it('names every key and the environment variable to use instead', () => {
      const [finding] = checkSecretsInConfig(
        facts({ file: { gateway: { auth: { token: STRONG } }, agent: { apiKey: 'sk-x' } } }),
      );
      expect(finding.message).toContain('gateway.auth.token, agent.apiKey');
      expect(finding.fix).toContain(`${STATE}/gateway.env`);
      expect(finding.fix).toContain('NESTCLAW_GATEWAY_TOKEN=..., OPENAI_API_KEY=...');
      expect(`${finding.message} ${finding.fix}`).not.toContain(STRONG);
    });
  });

  describe(checkFileModes.name, () => {
    const file = (mode: number, extra: Partial<FileFact> = {}): FileFact => ({
      path: `${STATE}/gateway.token`,
      label: 'the gateway token file',
      kind: 'file',
      mode,
      insideStateDir: true,
      ...extra,
    });
    runTable(checkFileModes, [
      ['0600 file', { files: [file(0o600)] }, []],
      ['0400 file', { files: [file(0o400)] }, []],
      ['0644 file', { files: [file(0o644)] }, [['fs.file-mode', 'critical']]],
      ['0640 file', { files: [file(0o640)] }, [['fs.file-mode', 'warn']]],
      ['0700 dir', { files: [file(0o700, { kind: 'dir', path: STATE })] }, []],
      ['0755 dir', { files: [file(0o755, { kind: 'dir', path: STATE })] }, [['fs.dir-mode', 'warn']]],
      ['0640 file outside the state dir', { files: [file(0o640, { insideStateDir: false })] }, []],
      ['0644 file outside the state dir', { files: [file(0o644, { insideStateDir: false })] }, [['fs.file-mode', 'critical']]],
      [
        'one finding per file',
        { files: [file(0o644), file(0o666, { path: `${STATE}/state.db` })] },
        [
          ['fs.file-mode', 'critical'],
          ['fs.file-mode', 'critical'],
        ],
      ],
    ]);

    it.each<[string, FileFact, number]>([
      ['a file in the state dir', file(0o644), 0o600],
      ['a dir in the state dir', file(0o755, { kind: 'dir' }), 0o700],
      ['a file outside keeps its group', file(0o644, { insideStateDir: false }), 0o640],
    ])('offers a safe fix for %s', (_name, fact, to) => {
      const [finding] = checkFileModes(facts({ files: [fact] }));
      expect(finding.safeFix).toEqual({ path: fact.path, from: fact.mode, to });
      expect(finding.fix).toContain(`chmod ${to.toString(8)} ${fact.path}`);
    });

    it('says who can do what', () => {
      const [writable] = checkFileModes(facts({ files: [file(0o666)] }));
      const [readable] = checkFileModes(facts({ files: [file(0o640)] }));
      expect(writable.message).toBe(
        `the gateway token file ${STATE}/gateway.token has mode 0666: every user of this host can change it`,
      );
      expect(readable.message).toContain('its group can read it');
    });
  });

  describe(checkExecWithoutAllowlist.name, () => {
    runTable(checkExecWithoutAllowlist, [
      ['exec off', {}, []],
      ['exec with an allowlist', { file: { tools: { exec: { enabled: true, allowlist: ['uptime'] } } } }, []],
      ['exec without an allowlist', { file: { tools: { exec: { enabled: true } } } }, [['tools.exec.no-allowlist', 'critical']]],
      [
        'exec allowing "*"',
        { file: { tools: { exec: { enabled: true, allowlist: ['*'] } } } },
        [['tools.exec.no-allowlist', 'critical']],
      ],
      [
        'exec without an allowlist but with ask',
        { file: { tools: { exec: { enabled: true, ask: true } } } },
        [['tools.exec.no-allowlist', 'warn']],
      ],
    ]);
  });

  describe(checkNodeSystemRun.name, () => {
    const nodes = (n: object) => ({ gateway: { nodes: n } });
    runTable(checkNodeSystemRun, [
      ['platform defaults only', {}, [['gateway.nodes.system-run', 'info']]],
      ['denied by name', { file: nodes({ denyCommands: ['system.run'] }) }, []],
      ['denied by prefix', { file: nodes({ denyCommands: ['system.*'] }) }, []],
      ['a deny list that misses it', { file: nodes({ denyCommands: ['camera.snap'] }) }, [['gateway.nodes.system-run', 'info']]],
      ['allowed by "*"', { file: nodes({ allowCommands: ['*'] }) }, [['gateway.nodes.system-run', 'warn']]],
      ['allowed by name', { file: nodes({ allowCommands: ['system.run'] }) }, [['gateway.nodes.system-run', 'warn']]],
      ['allowed but denied', { file: nodes({ allowCommands: ['*'], denyCommands: ['system.run'] }) }, []],
    ]);
  });

  describe(checkTelegramOpenDms.name, () => {
    const telegram = (t: object) => ({ channels: { telegram: { botToken: '1:abc', ...t } } });
    runTable(checkTelegramOpenDms, [
      ['pairing', { file: telegram({ enabled: true }) }, []],
      ['allowlist', { file: telegram({ enabled: true, dmPolicy: 'allowlist' }) }, []],
      ['open', { file: telegram({ enabled: true, dmPolicy: 'open' }) }, [['channels.telegram.dm-open', 'critical']]],
      ['open but disabled', { file: telegram({ enabled: false, dmPolicy: 'open' }) }, []],
    ]);
  });
});

describe(secretWeakness.name, () => {
  it.each<[string, string | undefined]>([
    [STRONG, undefined],
    ['0123456789abcdef0123456789abcdef', undefined],
    ['short', 'it has 5 characters (at least 24 wanted)'],
    ['aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'it uses only 1 different characters'],
    ['CHANGEME', 'it looks like a placeholder'],
    ['replace-with-a-long-random-string', 'it looks like a placeholder'],
  ])('%s → %p', (secret, expected) => {
    expect(secretWeakness(secret, 24, 8)).toBe(expected);
  });
});
