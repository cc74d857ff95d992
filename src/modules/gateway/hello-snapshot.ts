import { Injectable } from '@nestjs/common';
import type { HelloOk } from '../../common/protocol';

export type HelloSnapshotParts = Pick<HelloOk['snapshot'], 'presence' | 'health' | 'stateVersion'>;

/**
 * hello-ok carries presence and health, which the health module owns; it
 * plugs its source in here so the gateway module does not depend on it.
 */
@Injectable()
export class HelloSnapshotSource {
  private source: () => HelloSnapshotParts = () => ({
    presence: [],
    health: {},
    stateVersion: { presence: 0, health: 0 },
  });

  use(source: () => HelloSnapshotParts): void {
    this.source = source;
  }

  build(): HelloSnapshotParts {
    return this.source();
  }
}
