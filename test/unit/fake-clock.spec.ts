import { Clock } from '../../src/common/clock';
import { FakeClock } from '../support/fake-clock';

describe(FakeClock.name, () => {
  it('is a Clock that services accept', () => {
    expect(new FakeClock()).toBeInstanceOf(Clock);
  });

  it('stands still at the time it was given', () => {
    // Arrange
    const clock = new FakeClock(5_000);

    // Act / Assert
    expect(clock.now()).toBe(5_000);
    expect(clock.now()).toBe(5_000);
  });

  it('moves only when advanced or set', () => {
    // Arrange
    const clock = new FakeClock(1_000);

    // Act
    const advanced = clock.advance(250);
    clock.ms = 10_000;

    // Assert
    expect(advanced).toBe(1_250);
    expect(clock.now()).toBe(10_000);
  });
});
