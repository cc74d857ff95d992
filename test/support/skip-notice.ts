import * as fs from 'node:fs';

/**
 * Skips that `npm test` reports in its last line (test/support/skip-summary-reporter.js).
 * A skipped test's title starts with "skipped:" and carries why and how to
 * enable it, so the reporter needs nothing but the results; a skip decided
 * while a test runs is written to the notices file the reporter created for
 * this run. Every suite that skips uses these helpers, never a bare `.skip`.
 */
export const SKIP_PREFIX = 'skipped:';

export function skipTitle(why: string, enable: string): string {
  return `${SKIP_PREFIX} ${why}; to run it: ${enable}`;
}

/** A whole suite that cannot run on this machine: one skipped test that says why. */
export function skippedSuite(name: string, why: string, enable: string): void {
  describe(name, () => {
    it.skip(skipTitle(why, enable), () => undefined);
  });
}

/** `it` when the condition holds, else a skipped test whose title names what is missing and how to get it. */
export function itWhen(
  condition: boolean,
  why: string,
  enable: string,
): (name: string, fn: jest.ProvidesCallback, timeout?: number) => void {
  if (condition) return it;
  // The prefix leads the title: the reporter reads only titles that start with it.
  return (name) => it.skip(`${skipTitle(why, enable)} [${name}]`, () => undefined);
}

/** For a case that finds out only while running that it cannot check what it is about. */
export function noteRuntimeSkip(what: string, why: string, enable: string): void {
  const file = process.env.NESTCLAW_SKIP_NOTICES;
  if (!file) return;
  fs.appendFileSync(file, `${JSON.stringify({ what, reason: `${why}; to run it: ${enable}` })}\n`);
}
