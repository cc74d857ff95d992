/** The time source, injectable so tests can move it. */
export class Clock {
  now(): number {
    return Date.now();
  }
}
