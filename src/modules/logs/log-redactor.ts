/** What every redaction leaves in place of the secret. */
export const REDACTED = '[redacted]';

/**
 * Shapes of secrets that are not known in advance (device tokens issued at
 * pairing, a token pasted into a chat, an upstream error echoing a header).
 * Known values are removed first, exactly; these catch the rest.
 */
const SECRET_SHAPES: ReadonlyArray<[RegExp, string]> = [
  // Telegram bot tokens, also inside api.telegram.org/bot<token>/ URLs.
  [/(?<![0-9])\d{5,12}:[A-Za-z0-9_-]{30,}/g, REDACTED],
  // Device tokens issued at pairing (modules/pairing/device-tokens.ts).
  [/\bncd_[A-Za-z0-9_-]{16,}/g, REDACTED],
  // OpenAI-style API keys.
  [/\bsk-[A-Za-z0-9_-]{16,}/g, REDACTED],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, `$1 ${REDACTED}`],
  // key=value, key: value and "key":"value" for the usual secret names.
  [
    /\b((?:auth[_-]?)?(?:token|password|passwd|secret|api[_-]?key|apikey|authorization|bot[_-]?token)["']?\s*[:=]\s*["']?)(?!\[redacted\])[^\s"',;&}\]]{4,}/gi,
    `$1${REDACTED}`,
  ],
];

/** Values shorter than this are not searched for: they would blank out ordinary words. */
export const MIN_KNOWN_SECRET_LENGTH = 4;

/**
 * Removes secrets from a log line before it reaches the console, the ring or
 * the file. Known values (the configured and generated secrets) are replaced
 * exactly, also URL-encoded; then secret-looking shapes are replaced.
 */
export class LogRedactor {
  private readonly known: string[];

  constructor(secrets: ReadonlyArray<string | undefined>) {
    const variants = new Set<string>();
    for (const secret of secrets) {
      if (!secret || secret.length < MIN_KNOWN_SECRET_LENGTH) continue;
      variants.add(secret);
      variants.add(encodeURIComponent(secret));
    }
    // Longest first, so a secret that contains another is removed whole.
    this.known = [...variants].sort((a, b) => b.length - a.length);
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.known) {
      if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    }
    for (const [shape, replacement] of SECRET_SHAPES) out = out.replace(shape, replacement);
    return out;
  }
}
