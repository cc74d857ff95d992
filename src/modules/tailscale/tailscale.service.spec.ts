import { Logger } from '@nestjs/common';
import { loadConfig } from '../../common/config';
import { GatewayRuntime } from '../config/gateway-runtime';
import { TailscaleCli, TailscaleCliError, TailscaleStatus } from './tailscale-cli.repository';
import { proxyTarget, TailscaleService } from './tailscale.service';

const RUNNING: TailscaleStatus = { backendState: 'Running', dnsName: 'gateway.tail1234.ts.net' };
const TARGET = { host: '127.0.0.1', port: 18789, tls: false };

function runtimeWith(gateway: object): GatewayRuntime {
  const config = loadConfig({ env: {}, homeDir: '/home/tester', readFile: () => JSON.stringify({ gateway }) });
  return new GatewayRuntime(config, ['127.0.0.1'], 0, '0.0.0-test', 'test-host');
}

function fakeCli() {
  return {
    status: jest.fn(async (): Promise<TailscaleStatus> => RUNNING),
    expose: jest.fn(async () => 'Serve started'),
    reset: jest.fn(async () => undefined),
    whois: jest.fn(),
  };
}

describe(TailscaleService.name, () => {
  let cli: ReturnType<typeof fakeCli>;
  let warn: jest.SpyInstance;

  const build = (gateway: object) => new TailscaleService(runtimeWith(gateway), cli as unknown as TailscaleCli);

  beforeEach(() => {
    cli = fakeCli();
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  describe('summary', () => {
    it('is off with mode off, pending before expose otherwise', () => {
      expect(build({}).summary()).toEqual({ mode: 'off', state: 'off' });
      expect(build({ tailscale: { mode: 'serve' } }).summary()).toEqual({ mode: 'serve', state: 'pending' });
    });
  });

  describe('expose', () => {
    it('does nothing with mode off', async () => {
      await expect(build({}).expose(TARGET)).resolves.toEqual({ mode: 'off', state: 'off' });
      expect(cli.status).not.toHaveBeenCalled();
    });

    it.each([
      ['serve', {}],
      ['funnel', { auth: { password: 'pw' } }],
    ] as const)('runs %s for the loopback port and reports the MagicDNS URL', async (mode, extra) => {
      // Arrange
      const service = build({ ...extra, tailscale: { mode } });

      // Act
      const exposure = await service.expose(TARGET);

      // Assert
      expect(cli.expose).toHaveBeenCalledWith(mode, 'http://127.0.0.1:18789');
      expect(exposure).toEqual({ mode, state: 'active', url: 'https://gateway.tail1234.ts.net/' });
      expect(service.summary()).toEqual({ mode, state: 'active', url: 'https://gateway.tail1234.ts.net/' });
      expect(warn).not.toHaveBeenCalled();
    });

    it.each<[string, () => void, string, string]>([
      [
        'tailscale is not installed',
        () => cli.status.mockRejectedValue(new TailscaleCliError('not-installed', '')),
        'not-installed',
        'install Tailscale',
      ],
      [
        'tailscaled does not answer',
        () => cli.status.mockRejectedValue(new TailscaleCliError('failed', 'failed to connect')),
        'not-running',
        'tailscaled',
      ],
      [
        'status times out',
        () => cli.status.mockRejectedValue(new TailscaleCliError('timeout', '')),
        'not-running',
        'tailscale up',
      ],
      [
        'it is logged out',
        () => cli.status.mockResolvedValue({ backendState: 'NeedsLogin' }),
        'logged-out',
        'run `tailscale up`',
      ],
      ['it is stopped', () => cli.status.mockResolvedValue({ backendState: 'Stopped' }), 'logged-out', 'state Stopped'],
      ['MagicDNS is off', () => cli.status.mockResolvedValue({ backendState: 'Running' }), 'failed', 'enable MagicDNS'],
    ])('warns without exposing when %s', async (_name, arrange, state, fix) => {
      // Arrange
      arrange();
      const service = build({ tailscale: { mode: 'serve' } });

      // Act
      const exposure = await service.expose(TARGET);

      // Assert
      expect(exposure).toMatchObject({ mode: 'serve', state });
      expect(exposure.problem).toContain(fix);
      expect(warn).toHaveBeenCalledWith(exposure.problem);
      expect(cli.expose).not.toHaveBeenCalled();
      expect(service.summary()).toEqual({ mode: 'serve', state });
    });

    it('passes on the consent link when Serve must first be enabled for the tailnet', async () => {
      // Arrange
      cli.expose.mockRejectedValue(
        new TailscaleCliError(
          'timeout',
          'Serve is not enabled on your tailnet.\nTo enable, visit:\n\n         https://login.tailscale.com/f/serve?node=n1fake\n',
        ),
      );

      // Act
      const exposure = await build({ tailscale: { mode: 'serve' } }).expose(TARGET);

      // Assert
      expect(exposure.state).toBe('failed');
      expect(exposure.problem).toBe(
        '`tailscale serve --bg --https=443 http://127.0.0.1:18789` did not finish in time: Serve must be enabled for this tailnet first: ' +
          'open https://login.tailscale.com/f/serve?node=n1fake, then restart the gateway; the gateway keeps running on loopback only',
      );
    });

    it('names the command to run by hand, not the raw output, when funnel fails otherwise', async () => {
      // Arrange
      cli.expose.mockRejectedValue(new TailscaleCliError('failed', 'Access denied: serve config denied'));

      // Act
      const exposure = await build({ tailscale: { mode: 'funnel' }, auth: { password: 'pw' } }).expose(TARGET);

      // Assert
      expect(exposure.problem).toMatch(
        /^`tailscale funnel --bg --https=443 http:\/\/127\.0\.0\.1:18789` failed: run `tailscale funnel/,
      );
      expect(exposure.problem).not.toContain('Access denied');
    });

    it('warns that allowTailscale does nothing with funnel', async () => {
      await build({ tailscale: { mode: 'funnel' }, auth: { password: 'pw', allowTailscale: true } }).expose(TARGET);
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('allowTailscale is ignored with tailscale.mode "funnel"'));
    });
  });

  describe('beforeApplicationShutdown', () => {
    it('undoes an active exposure when resetOnExit is set, once', async () => {
      // Arrange
      const service = build({ tailscale: { mode: 'funnel', resetOnExit: true }, auth: { password: 'pw' } });
      await service.expose(TARGET);

      // Act
      await service.beforeApplicationShutdown();
      await service.beforeApplicationShutdown();

      // Assert
      expect(cli.reset).toHaveBeenCalledTimes(1);
      expect(cli.reset).toHaveBeenCalledWith('funnel');
      expect(service.summary()).toEqual({ mode: 'funnel', state: 'reset' });
    });

    it('leaves the configuration without resetOnExit', async () => {
      const service = build({ tailscale: { mode: 'serve' } });
      await service.expose(TARGET);
      await service.beforeApplicationShutdown();
      expect(cli.reset).not.toHaveBeenCalled();
    });

    it('has nothing to undo when exposing failed', async () => {
      cli.expose.mockRejectedValue(new TailscaleCliError('failed', ''));
      const service = build({ tailscale: { mode: 'serve', resetOnExit: true } });
      await service.expose(TARGET);
      await service.beforeApplicationShutdown();
      expect(cli.reset).not.toHaveBeenCalled();
    });

    it('warns with the manual command when the reset fails, without throwing', async () => {
      // Arrange
      cli.reset.mockRejectedValue(new TailscaleCliError('timeout', ''));
      const service = build({ tailscale: { mode: 'serve', resetOnExit: true } });
      await service.expose(TARGET);

      // Act / Assert
      await expect(service.beforeApplicationShutdown()).resolves.toBeUndefined();
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('run `tailscale serve --https=443 off` by hand'));
    });
  });
});

describe(proxyTarget.name, () => {
  it.each([
    [{ host: '127.0.0.1', port: 18789, tls: false }, 'http://127.0.0.1:18789'],
    [{ host: '::1', port: 18789, tls: false }, 'http://[::1]:18789'],
    [{ host: '127.0.0.1', port: 443, tls: true }, 'https+insecure://127.0.0.1:443'],
  ])('forwards to %j as %s', (target, expected) => {
    expect(proxyTarget(target)).toBe(expected);
  });
});
