// Repeats, after Jest's summary, every test skipped because this machine lacks
// something (titles starting "skipped:"), so a suite that did not run is not
// lost in a long log: the last lines of `npm test` name it and how to enable it.
const fs = require('node:fs');
const path = require('node:path');

class SkipSummaryReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
  }

  onRunComplete(_contexts, results) {
    const lines = [];
    for (const file of results.testResults) {
      for (const test of file.testResults) {
        if (test.status === 'pending' && test.title.startsWith('skipped:')) {
          lines.push(`  ${path.relative(this.rootDir, file.testFilePath)}: ${test.title}`);
        }
      }
    }
    if (lines.length === 0) return;
    // Jest prints its summary after the reporters run; on exit these lines come last.
    const text = `\nSuites skipped on this machine:\n${lines.join('\n')}\n`;
    process.once('exit', () => fs.writeSync(2, text));
  }
}

module.exports = SkipSummaryReporter;
