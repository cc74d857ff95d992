/** A config file is a few KB; this bounds what one edit may carry (the frame limit applies first). */
export const CONFIG_TEXT_MAX_CHARS = 256 * 1024;
export const CONFIG_HASH_MAX_CHARS = 128;
/** Longest delay a client may ask before a restart in place. */
export const RESTART_DELAY_MAX_MS = 60_000;
