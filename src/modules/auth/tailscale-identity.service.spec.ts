import { loadConfig } from '../../common/config';
import { GatewayRuntime } from '../config/gateway-runtime';
import { TailscaleCliError } from '../tailscale/tailscale-cli.repository';
import type { TailscaleService } from '../tailscale/tailscale.service';
import { TailscaleIdentityService, WHOIS_CACHE_TTL_MS } from './tailscale-identity.service';
import { FakeClock } from '../../../test/support/fake-clock';

const ALICE = { login: 'alice@example.com', clientIp: '100.101.102.103' };

function runtimeWith(gateway: object): GatewayRuntime {
  const config = loadConfig({ env: {}, homeDir: '/home/tester', readFile: () => JSON.stringify({ gateway }) });
  return new GatewayRuntime(config, ['127.0.0.1'], 0, '0.0.0-test', 'test-host');
}

describe(TailscaleIdentityService.name, () => {
  let clock: FakeClock;
  let whois: jest.Mock<Promise<string | undefined>, [string]>;
  let service: TailscaleIdentityService;

  function build(gateway: object = { tailscale: { mode: 'serve' } }): TailscaleIdentityService {
    return new TailscaleIdentityService(runtimeWith(gateway), { whois } as unknown as TailscaleService, clock);
  }

  beforeEach(() => {
    clock = new FakeClock();
    whois = jest.fn(async (ip: string) => (ip === ALICE.clientIp ? ALICE.login : undefined));
    service = build();
  });

  describe('enabled', () => {
    it.each<[string, object, boolean]>([
      ['serve in token mode (the default)', { tailscale: { mode: 'serve' } }, true],
      ['serve with allowTailscale false', { tailscale: { mode: 'serve' }, auth: { allowTailscale: false } }, false],
      ['allowTailscale true with mode off (a Serve set up by hand)', { auth: { allowTailscale: true } }, true],
      [
        'funnel even with allowTailscale true',
        { tailscale: { mode: 'funnel' }, auth: { password: 'pw', allowTailscale: true } },
        false,
      ],
    ])('is %s → %s', (_name, gateway, expected) => {
      expect(build(gateway).enabled).toBe(expected);
    });
  });

  describe('verify', () => {
    it('returns the login when whois confirms it', async () => {
      await expect(service.verify(ALICE)).resolves.toBe('alice@example.com');
      expect(whois).toHaveBeenCalledWith('100.101.102.103');
    });

    it('returns nothing and asks nothing without a claim, or when disabled', async () => {
      await expect(service.verify(undefined)).resolves.toBeUndefined();
      await expect(
        build({ tailscale: { mode: 'serve' }, auth: { allowTailscale: false } }).verify(ALICE),
      ).resolves.toBeUndefined();
      expect(whois).not.toHaveBeenCalled();
    });

    it('refuses a login that differs from the whois answer', async () => {
      await expect(service.verify({ ...ALICE, login: 'mallory@example.com' })).resolves.toBeUndefined();
    });

    it('refuses when whois knows no user for the address', async () => {
      await expect(service.verify({ ...ALICE, clientIp: '100.64.0.1' })).resolves.toBeUndefined();
    });

    it.each([
      ['fails', new TailscaleCliError('failed', 'no match')],
      ['times out', new TailscaleCliError('timeout', '')],
      ['is not installed', new TailscaleCliError('not-installed', '')],
    ])('refuses when whois %s, and asks again next time', async (_name, error) => {
      // Arrange
      whois.mockRejectedValueOnce(error);

      // Act
      const first = await service.verify(ALICE);
      const second = await service.verify(ALICE);

      // Assert
      expect(first).toBeUndefined();
      expect(second).toBe('alice@example.com');
      expect(whois).toHaveBeenCalledTimes(2);
    });

    it('reuses an answer for 60 s, then asks again', async () => {
      await service.verify(ALICE);
      clock.ms += WHOIS_CACHE_TTL_MS - 1;
      await service.verify(ALICE);
      expect(whois).toHaveBeenCalledTimes(1);

      clock.ms += 1;
      await service.verify(ALICE);
      expect(whois).toHaveBeenCalledTimes(2);
    });

    it('uses the cached answer to refuse a mismatching login too', async () => {
      await service.verify(ALICE);
      await expect(service.verify({ ...ALICE, login: 'mallory@example.com' })).resolves.toBeUndefined();
      expect(whois).toHaveBeenCalledTimes(1);
    });

    it('shares one whois between concurrent connects from the same address', async () => {
      const results = await Promise.all([service.verify(ALICE), service.verify(ALICE), service.verify(ALICE)]);
      expect(results).toEqual(['alice@example.com', 'alice@example.com', 'alice@example.com']);
      expect(whois).toHaveBeenCalledTimes(1);
    });

    it('keeps at most 1 000 addresses, forgetting the oldest', async () => {
      // Arrange
      await service.verify(ALICE);
      for (let i = 0; i < 1_000; i++) await service.verify({ login: 'x', clientIp: `100.64.${i >> 8}.${i & 255}` });
      whois.mockClear();

      // Act
      await service.verify(ALICE);

      // Assert
      expect(whois).toHaveBeenCalledTimes(1);
    });
  });
});
