/** Longest peer-chosen text (a display name, a platform) a log line carries. */
export const PEER_TEXT_MAX_CHARS = 80;

/**
 * A value a peer chose, as a log line should carry it: quoted and escaped
 * (JSON string syntax), so a newline or an escape sequence in a device name
 * can neither forge a log record nor paint an operator's terminal, and cut,
 * so one name cannot fill the line.
 */
export function peerText(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) return '(none)';
  const cut = value.length > PEER_TEXT_MAX_CHARS ? `${value.slice(0, PEER_TEXT_MAX_CHARS)}…` : value;
  return JSON.stringify(cut);
}
