import { INTEROP_SKIP_NOTICE, missingReferenceFiles } from './reference-install';

/**
 * Runs after every e2e suite, so the notice is the last thing `npm test`
 * prints instead of scrolling by in the middle of the run.
 */
export default function reportSkips(): void {
  if (missingReferenceFiles().length > 0) console.warn(`\n${INTEROP_SKIP_NOTICE}\n`);
}
