// The one reporter for skips and test hygiene. A test that cannot run on this machine is titled
// "skipped: <why>; to run it: <how>" (test/support/skip-notice.ts builds such titles); after Jest's
// summary, the last line of every run names each skipped suite with why and how to enable it, so a
// green run on a machine without sshd, chromium or a container engine cannot pass for a full one.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const SKIP_PREFIX = 'skipped:';
const MAX_NOTICE_BYTES = 256 * 1024;

class SkipSummaryReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
    // One temp dir per run, inherited by workers and the gateways and CLIs they spawn: whatever a
    // test forgets to delete (state dirs hold tokens) is named below and removed with it.
    this.runTmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nestclaw-jest-run-'));
    process.env.TMPDIR = this.runTmpDir;
    // Workers are forked after reporters are built, so they inherit this; suites append to it (skip-notice.ts).
    this.noticesFile = path.join(this.runTmpDir, 'skip-notices.jsonl');
    process.env.NESTCLAW_SKIP_NOTICES = this.noticesFile;
  }

  onRunComplete(_contexts, results) {
    const leftovers = this.leftoverTempEntries();
    const line = skipLine(results, this.rootDir, this.readNotices());
    const skipped = line.startsWith('SKIPPED');
    const leaked =
      leftovers.length === 0
        ? ''
        : `\u26a0 tests left ${leftovers.length} temp entries behind (removed now; fix the suite that makes them): ${leftovers.join(', ')}\n`;
    const text = `\n${leaked}${skipped ? '\u26a0 ' : ''}${line}\n`;
    // Jest prints its summary after every custom reporter's onRunComplete; this line must come after it.
    process.once('exit', () => fs.writeSync(2, text));
  }

  /** What is left in the run's temp dir besides the notices file (readNotices removes the dir). */
  leftoverTempEntries() {
    let names;
    try {
      names = fs.readdirSync(this.runTmpDir).filter((name) => path.join(this.runTmpDir, name) !== this.noticesFile);
    } catch {
      return [];
    }
    const counts = new Map();
    for (const name of names) {
      // mkdtemp adds six random characters: group by what the test called it.
      const prefix = name.replace(/[A-Za-z0-9]{6}$/, '*');
      counts.set(prefix, (counts.get(prefix) ?? 0) + 1);
    }
    return [...counts].map(([prefix, count]) => (count > 1 ? `${prefix} (\u00d7${count})` : prefix));
  }

  readNotices() {
    let text;
    try {
      const fd = fs.openSync(this.noticesFile, 'r');
      try {
        const buffer = Buffer.alloc(MAX_NOTICE_BYTES);
        text = buffer.subarray(0, fs.readSync(fd, buffer, 0, MAX_NOTICE_BYTES, 0)).toString('utf8');
      } finally {
        fs.closeSync(fd);
      }
    } catch {
      return [];
    } finally {
      fs.rmSync(this.runTmpDir, { recursive: true, force: true });
    }
    return text
      .split('\n')
      .filter(Boolean)
      .flatMap((line) => {
        try {
          const notice = JSON.parse(line);
          return typeof notice.what === 'string' && typeof notice.reason === 'string' ? [notice] : [];
        } catch {
          return [];
        }
      });
  }
}

/** The one line: every skipped suite with why and how to enable it, or that nothing was skipped. */
function skipLine(results, rootDir, notices) {
  const skips = new Map();
  const add = (what, reason) => {
    const reasons = skips.get(what) ?? new Set();
    reasons.add(reason);
    skips.set(what, reasons);
  };
  for (const file of results.testResults) {
    const name = path.relative(rootDir, file.testFilePath);
    const pending = file.testResults.filter((test) => test.status === 'pending' || test.status === 'todo');
    const explained = pending.filter((test) => test.title.startsWith(SKIP_PREFIX));
    for (const test of explained) add(name, test.title.slice(SKIP_PREFIX.length).trim());
    // A suite that explains its skip may leave the rest of its tests pending (describe.skip): they
    // are that same skip. A pending test in a file that explains nothing was skipped by hand.
    if (explained.length === 0 && pending.length > 0) add(name, 'a test is marked .skip in the file: remove the .skip');
  }
  for (const notice of notices) add(notice.what, notice.reason);
  if (skips.size === 0) return 'nestclaw tests: nothing skipped, every suite ran';
  return (
    `SKIPPED ${skips.size} suite(s), this run is NOT complete: ` +
    [...skips].map(([what, reasons]) => `${what} (${[...reasons].join('; ')})`).join(' | ')
  );
}

module.exports = SkipSummaryReporter;
module.exports.skipLine = skipLine;
