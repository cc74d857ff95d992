import { randomUUID } from 'node:crypto';

/**
 * Where the gateway's request, run and call ids come from: injectable like
 * the Clock, so a test can make them predictable. Secrets (tokens, nonces)
 * never come from here; they are drawn from crypto where they are made.
 */
export class IdSource {
  next(): string {
    return randomUUID();
  }
}
