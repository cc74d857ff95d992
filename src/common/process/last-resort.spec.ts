import { EventEmitter } from 'node:events';
import { installLastResortHandlers, LAST_RESORT_MARKER, LastResortPolicy } from './last-resort';

describe(LastResortPolicy.name, () => {
  describe('handle', () => {
    it('logs an error once with its kind and stack, then only counts repeats', () => {
      // Arrange
      const lines: string[] = [];
      const policy = new LastResortPolicy((line) => lines.push(line));
      const raise = () => new RangeError('Maximum call stack size exceeded');

      // Act
      for (let i = 0; i < 3; i++) policy.handle('unhandledRejection', raise());

      // Assert
      expect(policy.incidents).toBe(3);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^${LAST_RESORT_MARKER} an unhandledRejection`));
      expect(lines[0]).toContain('RangeError: Maximum call stack size exceeded');
      expect(lines[0]).toContain('last-resort.spec.ts');
    });

    it('logs distinct errors and kinds separately, and non-Error values too', () => {
      // Arrange
      const lines: string[] = [];
      const policy = new LastResortPolicy((line) => lines.push(line));

      // Act
      policy.handle('uncaughtException', new Error('a'));
      policy.handle('unhandledRejection', new Error('a'));
      policy.handle('unhandledRejection', 'just a string');
      policy.handle('unhandledRejection', Object.create(null));

      // Assert
      expect(lines).toHaveLength(4);
      expect(lines[2]).toContain('non-Error value just a string');
      expect(lines[3]).toContain('cannot be printed');
    });
  });
});

describe('installLastResortHandlers', () => {
  it('routes both process events to the policy and removes its listeners again', () => {
    // Arrange: an emitter stands in for the process, so the test cannot swallow Jest's own handlers.
    const target = new EventEmitter() as unknown as NodeJS.Process;
    const policy = new LastResortPolicy(() => undefined);

    // Act
    const uninstall = installLastResortHandlers(policy, target);
    target.emit('unhandledRejection', new Error('rejected'), Promise.resolve());
    target.emit('uncaughtException', new Error('thrown'));
    uninstall();

    // Assert
    expect(policy.incidents).toBe(2);
    expect(target.listenerCount('unhandledRejection')).toBe(0);
    expect(target.listenerCount('uncaughtException')).toBe(0);
  });
});
