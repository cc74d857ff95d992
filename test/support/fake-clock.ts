import { Clock } from '../../src/common/clock';

/** The one clock tests move by hand: it stands still until told otherwise. */
export class FakeClock extends Clock {
  constructor(public ms = 1_700_000_000_000) {
    super();
  }

  override now(): number {
    return this.ms;
  }

  /** Moves time forward and returns the new now. */
  advance(ms: number): number {
    this.ms += ms;
    return this.ms;
  }
}
