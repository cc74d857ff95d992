import { createHash } from 'node:crypto';
import type { Clock } from '../../common/clock';

interface Entry<T> {
  outcome: Promise<T>;
  /** What the first call asked for; a reuse of the key must ask for the same. */
  fingerprint: RequestFingerprint;
  /** Set once the outcome is known; the entry lives ttlMs from then. */
  settledAtMs?: number;
}

/**
 * Remembers the outcome of a call by key so a retry gets the same answer
 * instead of running the call again. A call still in flight is joined. The
 * entry lives `ttlMs` after its outcome is known, and at most `maxEntries`
 * are kept: when full, expired entries go first, then the oldest settled,
 * then the oldest of all.
 */
export class IdempotencyCache<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs: number,
    private readonly maxEntries: number,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: string, fingerprint = NO_FINGERPRINT): Promise<T> | 'conflict' | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (this.isExpired(entry, this.clock.now())) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.fingerprint.matches(fingerprint) ? entry.outcome : 'conflict';
  }

  remember(key: string, outcome: Promise<T>, fingerprint = NO_FINGERPRINT): void {
    this.entries.delete(key);
    this.makeRoom();
    const entry: Entry<T> = { outcome, fingerprint };
    this.entries.set(key, entry);
    const settle = () => {
      entry.settledAtMs = this.clock.now();
    };
    // Both branches handled: this bookkeeping must not turn a failed call into an unhandled rejection.
    outcome.then(settle, settle);
  }

  private isExpired(entry: Entry<T>, now: number): boolean {
    return entry.settledAtMs !== undefined && now - entry.settledAtMs >= this.ttlMs;
  }

  private makeRoom(): void {
    if (this.entries.size < this.maxEntries) return;
    const now = this.clock.now();
    for (const [key, entry] of this.entries) if (this.isExpired(entry, now)) this.entries.delete(key);
    while (this.entries.size >= this.maxEntries) {
      let victim: string | undefined;
      for (const [key, entry] of this.entries) {
        if (entry.settledAtMs !== undefined) {
          victim = key;
          break;
        }
      }
      this.entries.delete(victim ?? this.entries.keys().next().value!);
    }
  }
}

/** Longest JSON text a fingerprint keeps as is; past it, an entry keeps a SHA-256 instead, so none holds more. */
export const FINGERPRINT_TEXT_MAX = 1024;

/**
 * What a call asked for. Taken on every call but compared only when its key
 * comes back, so it costs almost nothing up front: a short request keeps
 * its JSON text, compared as text first and by canonical JSON (keys sorted)
 * only when the texts differ; a long one keeps a SHA-256 of its canonical
 * JSON. Reordering keys does not change the length of JSON text, so two
 * equivalent requests always land on the same side of the limit.
 */
export class RequestFingerprint {
  private canonical?: string;

  private constructor(
    private readonly text: string | undefined,
    private readonly digest: string | undefined,
  ) {}

  /** `text` must be JSON.stringify(value), which the caller already has; only a long one makes `value` walked. */
  static of(value: unknown, text: string): RequestFingerprint {
    if (text.length <= FINGERPRINT_TEXT_MAX) return new RequestFingerprint(text, undefined);
    return new RequestFingerprint(undefined, requestFingerprint(value));
  }

  matches(other: RequestFingerprint): boolean {
    if (this.text === undefined || other.text === undefined) return this.digest === other.digest;
    return this.text === other.text || this.canonicalText() === other.canonicalText();
  }

  private canonicalText(): string {
    // Short and produced by JSON.stringify, so parsing it is safe and cheap; only a reused key ever gets here.
    this.canonical ??= canonicalJson(JSON.parse(this.text!));
    return this.canonical;
  }
}

const NO_FINGERPRINT = RequestFingerprint.of(null, 'null');

/**
 * SHA-256 of a JSON value with object keys sorted, so a retry that sends the
 * same params in another key order still matches. Throws on what JSON cannot
 * hold (a cycle, a BigInt), as JSON.stringify does.
 */
export function requestFingerprint(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const fields = Object.keys(value)
      .sort()
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${fields.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
