import { Injectable } from '@nestjs/common';
import type { StateVersion } from '../../common/protocol';

/** Counters clients compare to notice they missed a presence or health change. */
@Injectable()
export class StateVersionService {
  private presence = 0;
  private health = 0;

  current(): StateVersion {
    return { presence: this.presence, health: this.health };
  }

  bumpPresence(): StateVersion {
    this.presence++;
    return this.current();
  }

  bumpHealth(): StateVersion {
    this.health++;
    return this.current();
  }
}
