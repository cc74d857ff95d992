import { IdSource } from '../../src/common/ids';

/** Predictable ids for tests: `<prefix>-1`, `<prefix>-2`, … */
export class SequentialIds extends IdSource {
  private n = 0;

  constructor(private readonly prefix: string) {
    super();
  }

  override next(): string {
    return `${this.prefix}-${++this.n}`;
  }
}
