import { findChromium } from '../../../test/support/browser';
import { FakeClock } from '../../../test/support/fake-clock';
import { FixtureSite } from '../../../test/support/fixture-site';
import { stateDirPool } from '../../../test/support/test-app';
import { BrowserController } from './browser-controller';
import { UrlPolicy } from './url-policy';

const CHROMIUM = findChromium();
const IDLE_MS = 60_000;
const dirs = stateDirPool();

if (!CHROMIUM) {
  describe(BrowserController.name, () => {
    it.skip('skipped: no chromium binary found (apt-get install chromium, or set CHROMIUM_PATH)', () => undefined);
  });
  console.warn('browser controller spec skipped: no chromium binary found (apt-get install chromium, or set CHROMIUM_PATH)');
} else {
  describe(BrowserController.name, () => {
    let site: FixtureSite;
    let clock: FakeClock;
    let controller: BrowserController;
    const lines: string[] = [];

    beforeAll(async () => {
      site = await FixtureSite.start({ '/': '<!doctype html><title>Idle fixture</title><p>private words</p>' });
    });

    beforeEach(() => {
      clock = new FakeClock();
      lines.length = 0;
      controller = new BrowserController({
        executablePath: CHROMIUM,
        userDataDir: dirs.make(),
        headless: true,
        policy: new UrlPolicy({ allowUrls: [`${site.origin}/*`], denyUrls: [] }),
        actionTimeoutMs: 20_000,
        idleTimeoutMs: IDLE_MS,
        snapshotMaxChars: 2_000,
        log: (line) => lines.push(line),
        now: () => clock.now(),
      });
    });

    afterEach(() => controller.stop());

    afterAll(async () => {
      await site.close();
      dirs.removeAll();
    });

    describe('closeIdle', () => {
      it('closes a tab unused for idleTimeoutMs and keeps one used since', async () => {
        await controller.navigate(`${site.origin}/`, { owner: 'session:old' });
        clock.advance(IDLE_MS / 2);
        const fresh = await controller.navigate(`${site.origin}/`, { owner: 'session:fresh' });
        clock.advance(IDLE_MS / 2);

        await controller.closeIdle();

        expect((await controller.listTabs()).map((tab) => tab.targetId)).toEqual([fresh.targetId]);
        expect(controller.status()).toMatchObject({ running: true, tabs: 1 });
      }, 60_000);

      it('closes the browser itself once no tab is left, and starts it again on the next call', async () => {
        await controller.navigate(`${site.origin}/`, { owner: 'session:a' });
        clock.advance(IDLE_MS);

        await controller.closeIdle();
        expect(controller.status()).toMatchObject({ running: false, tabs: 0 });
        expect(lines).toContain('browser idle: closing it until it is needed again');

        const again = await controller.navigate(`${site.origin}/`, { owner: 'session:a' });
        expect(again.title).toBe('Idle fixture');
        expect(controller.status().running).toBe(true);
      }, 60_000);

      it('logs each call without the page text', async () => {
        await controller.navigate(`${site.origin}/`, { owner: 'session:a' });
        await controller.snapshot({ owner: 'session:a' });
        expect(lines.join('\n')).not.toContain('private words');
        expect(lines.some((line) => line.includes('snapshot'))).toBe(true);
      }, 60_000);
    });
  });
}
