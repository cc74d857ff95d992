import type { GatewayRuntime } from '../config/gateway-runtime';
import { commandMatches, commandRefusal, NodeCommandPolicy, platformDefaultCommands } from './node-command-policy';
import type { CommandRefusal } from './nodes.types';

const HEADLESS = ['system.run', 'system.which', 'system.notify', 'system.execApprovals.get', 'system.execApprovals.set'];
const MOBILE = ['camera.snap', 'camera.list', 'location.get', 'screen.record', 'canvas.*', 'system.notify'];

function runtimeWith(nodes: { allowCommands?: string[]; denyCommands?: string[] }): GatewayRuntime {
  return {
    config: { gateway: { nodes: { allowCommands: nodes.allowCommands ?? [], denyCommands: nodes.denyCommands ?? [] } } },
  } as unknown as GatewayRuntime;
}

describe('platformDefaultCommands', () => {
  it.each<[string | undefined, string[]]>([
    ['linux', HEADLESS],
    ['darwin', HEADLESS],
    ['win32', HEADLESS],
    ['Linux', HEADLESS],
    ['macOS 14.4', HEADLESS],
    ['ios', MOBILE],
    ['iOS 17.4', MOBILE],
    ['iPadOS', MOBILE],
    ['android', MOBILE],
    ['Android-14', MOBILE],
    ['plan9', []],
    ['', []],
    [undefined, []],
    ['constructor', []],
    ['__proto__', []],
  ])('%p → %p', (platform, expected) => {
    expect(platformDefaultCommands(platform)).toEqual(expected);
  });

  it('answers the same for a platform seen before, also after hundreds of other platform strings', () => {
    // Arrange: more distinct strings than it remembers, as a node making up platforms would send.
    const first = platformDefaultCommands('iOS 17.4');
    for (let i = 0; i < 1_000; i++) platformDefaultCommands(`linux ${i}`);

    // Act
    const again = platformDefaultCommands('iOS 17.4');

    // Assert
    expect(again).toEqual(first);
    expect(again).toEqual(MOBILE);
    expect(platformDefaultCommands('linux 999')).toEqual(HEADLESS);
  });
});

describe('commandMatches', () => {
  it.each<[string, string, boolean]>([
    ['system.run', 'system.run', true],
    ['system.run', 'system.runner', false],
    ['system.run', 'System.run', false],
    ['canvas.*', 'canvas.present', true],
    ['canvas.*', 'canvas.a2ui.push', true],
    ['canvas.*', 'canvas.', false],
    ['canvas.*', 'canvas', false],
    ['canvas.*', 'canvasx.present', false],
    ['*', 'anything.at.all', true],
    ['system*', 'system.run', false],
  ])('%p matches %p: %p', (pattern, command, expected) => {
    expect(commandMatches(pattern, command)).toBe(expected);
  });
});

describe('commandRefusal', () => {
  it.each<
    [string, string, { platform?: string; declared: string[]; allow?: string[]; deny?: string[] }, CommandRefusal | undefined]
  >([
    ['a default command the node declared', 'system.run', { platform: 'linux', declared: ['system.run'] }, undefined],
    ['a pattern default', 'canvas.present', { platform: 'ios', declared: ['canvas.present'] }, undefined],
    [
      'a command outside the platform defaults',
      'camera.snap',
      { platform: 'linux', declared: ['camera.snap'] },
      'not-allowlisted',
    ],
    ['a shell on a phone', 'system.run', { platform: 'android', declared: ['system.run'] }, 'not-allowlisted'],
    ['anything on an unknown platform', 'system.notify', { platform: 'plan9', declared: ['system.notify'] }, 'not-allowlisted'],
    [
      'a command the config allows',
      'camera.snap',
      { platform: 'linux', declared: ['camera.snap'], allow: ['camera.snap'] },
      undefined,
    ],
    [
      'a command a config pattern allows',
      'custom.ping',
      { platform: 'plan9', declared: ['custom.ping'], allow: ['custom.*'] },
      undefined,
    ],
    [
      'a default the config denies',
      'system.run',
      { platform: 'linux', declared: ['system.run'], deny: ['system.run'] },
      'denied',
    ],
    [
      'a default a deny pattern covers',
      'canvas.eval',
      { platform: 'ios', declared: ['canvas.eval'], deny: ['canvas.*'] },
      'denied',
    ],
    [
      'deny wins over allow',
      'custom.ping',
      { platform: 'linux', declared: ['custom.ping'], allow: ['custom.*'], deny: ['custom.ping'] },
      'denied',
    ],
    ['denied even when not declared', 'system.run', { platform: 'linux', declared: [], deny: ['*'] }, 'denied'],
    ['allowlisted but not declared', 'system.which', { platform: 'linux', declared: ['system.run'] }, 'not-declared'],
    [
      'neither allowlisted nor declared names the allowlist',
      'camera.snap',
      { platform: 'linux', declared: [] },
      'not-allowlisted',
    ],
  ])('%s', (_name, command, check, expected) => {
    expect(commandRefusal(command, { allow: [], deny: [], ...check, platform: check.platform })).toBe(expected);
  });
});

describe(NodeCommandPolicy.name, () => {
  describe('allowedCommands', () => {
    it('keeps the declared commands the allowlist lets through, in order, once each', () => {
      // Arrange
      const policy = new NodeCommandPolicy(runtimeWith({ allowCommands: ['custom.*'], denyCommands: ['system.run'] }));

      // Act
      const allowed = policy.allowedCommands('linux', [
        'system.which',
        'system.run',
        'camera.snap',
        'custom.ping',
        'system.which',
      ]);

      // Assert
      expect(allowed).toEqual(['system.which', 'custom.ping']);
    });

    it('reads each declared command a constant number of times, however many there are', () => {
      // Arrange: count every element the policy reads, which stands in for its running time without a clock.
      const policy = new NodeCommandPolicy(runtimeWith({ allowCommands: ['custom.*'] }));
      const declared = Array.from({ length: 30_000 }, (_, i) => `custom.c${i}`);
      let reads = 0;
      const counted = new Proxy(declared, {
        get(target, property, receiver) {
          if (typeof property === 'string' && /^\d+$/.test(property)) reads++;
          return Reflect.get(target, property, receiver) as unknown;
        },
      });

      // Act
      const allowed = policy.allowedCommands('linux', counted);

      // Assert: the quadratic version read about n²/2 = 450 million elements.
      expect(allowed).toHaveLength(30_000);
      expect(reads).toBeLessThanOrEqual(2 * declared.length);
    });
  });

  describe('refusal', () => {
    it('applies the configured lists', () => {
      // Arrange
      const policy = new NodeCommandPolicy(runtimeWith({ denyCommands: ['system.run'] }));

      // Act / Assert
      expect(policy.refusal('system.run', { platform: 'linux', declared: ['system.run'] })).toBe('denied');
      expect(policy.refusal('system.which', { platform: 'linux', declared: ['system.which'] })).toBeUndefined();
    });
  });
});
