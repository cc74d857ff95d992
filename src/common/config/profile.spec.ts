import { loadConfig } from './load-config';
import { profilePort, profileUnitName, PROFILE_PORT_BASE, PROFILE_PORT_SPAN } from './profile';

const load = (env: Record<string, string>, file?: string) => loadConfig({ env, homeDir: '/home/ada', readFile: () => file });

describe('profiles in loadConfig', () => {
  it('keeps the default state dir and port without a profile', () => {
    expect(load({})).toMatchObject({ stateDir: '/home/ada/.nestclaw', gateway: { port: 18789, portSource: 'default' } });
  });

  it('gives a profile its own state dir, config file and port', () => {
    const config = load({ NESTCLAW_PROFILE: 'work' });
    expect(config.stateDir).toBe('/home/ada/.nestclaw-work');
    expect(config.configPath).toBe('/home/ada/.nestclaw-work/nestclaw.json');
    expect(config.gateway).toMatchObject({ port: profilePort('work'), portSource: 'profile default' });
    expect(profilePort('work')).not.toBe(profilePort('home'));
    expect(profilePort('work')).toBeGreaterThanOrEqual(PROFILE_PORT_BASE);
    expect(profilePort('work')).toBeLessThan(PROFILE_PORT_BASE + PROFILE_PORT_SPAN);
  });

  it("lets the profile's config and an explicit state dir win", () => {
    expect(load({ NESTCLAW_PROFILE: 'work' }, '{gateway: {port: 20000}}').gateway.port).toBe(20000);
    expect(load({ NESTCLAW_PROFILE: 'work', NESTCLAW_STATE_DIR: '/srv/x' }).stateDir).toBe('/srv/x');
  });

  it('treats "default" as no profile and refuses a name that could escape the home dir', () => {
    expect(load({ NESTCLAW_PROFILE: 'default' }).stateDir).toBe('/home/ada/.nestclaw');
    expect(() => load({ NESTCLAW_PROFILE: '../etc' })).toThrow(/profile name "..\/etc"/);
  });

  it('names units after the profile', () => {
    expect(profileUnitName('nestclaw-gateway', undefined)).toBe('nestclaw-gateway');
    expect(profileUnitName('nestclaw-node', 'lab')).toBe('nestclaw-node-lab');
  });
});
