import * as os from 'node:os';
import * as path from 'node:path';
import { skipTitle } from '../support/skip-notice';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { skipLine } = require('../support/skip-summary-reporter.js') as {
  skipLine(results: unknown, rootDir: string, notices: Array<{ what: string; reason: string }>): string;
};

const ROOT = '/repo';
const file = (name: string, tests: Array<{ title: string; status: string }>) => ({
  testFilePath: path.join(ROOT, name),
  testResults: tests,
});

describe('SkipSummaryReporter', () => {
  describe('skipLine', () => {
    it('says nothing was skipped when every test ran', () => {
      const results = { testResults: [file('a.spec.ts', [{ title: 'works', status: 'passed' }])] };
      expect(skipLine(results, ROOT, [])).toBe('nestclaw tests: nothing skipped, every suite ran');
    });

    it('names every skipped suite with why and how to enable it, on one line', () => {
      const results = {
        testResults: [
          file('test/e2e/ssh.e2e-spec.ts', [
            { title: skipTitle('no sshd binary', 'apt-get install openssh-server'), status: 'pending' },
          ]),
          file('test/e2e/ui.e2e-spec.ts', [
            { title: `${skipTitle('no chromium', 'set CHROMIUM_PATH')} [opens]`, status: 'pending' },
          ]),
          file('src/x.spec.ts', [{ title: 'forgotten', status: 'pending' }]),
          file('src/ok.spec.ts', [{ title: 'ran', status: 'passed' }]),
        ],
      };
      const line = skipLine(results, ROOT, [{ what: 'ui approvals case', reason: 'no exec approvals; to run it: build one' }]);
      expect(line).not.toContain('\n');
      expect(line).toMatch(/^SKIPPED 4 suite\(s\), this run is NOT complete: /);
      expect(line).toContain('test/e2e/ssh.e2e-spec.ts (no sshd binary; to run it: apt-get install openssh-server)');
      expect(line).toContain('test/e2e/ui.e2e-spec.ts (no chromium; to run it: set CHROMIUM_PATH [opens])');
      expect(line).toContain('src/x.spec.ts (a test is marked .skip in the file: remove the .skip)');
      expect(line).toContain('ui approvals case (no exec approvals; to run it: build one)');
      expect(line).not.toContain('src/ok.spec.ts');
    });
  });

  it("counts a suite's other pending tests as part of the skip it explains, not as a forgotten .skip", () => {
    const results = {
      testResults: [
        file('test/e2e/interop.e2e-spec.ts', [
          { title: skipTitle('reference releases missing', 'run .ci/run'), status: 'pending' },
          { title: 'talks to the reference gateway', status: 'pending' },
        ]),
      ],
    };
    expect(skipLine(results, ROOT, [])).toBe(
      'SKIPPED 1 suite(s), this run is NOT complete: test/e2e/interop.e2e-spec.ts (reference releases missing; to run it: run .ci/run)',
    );
  });

  it('the reporter of this very run gave the test processes a notices file and a temp dir of their own', () => {
    const file = process.env.NESTCLAW_SKIP_NOTICES ?? '';
    expect(path.basename(file)).toBe('skip-notices.jsonl');
    // The run's own temp dir: what tests leave in it is named and removed at the end.
    expect(path.dirname(file)).toBe(os.tmpdir());
    expect(path.basename(os.tmpdir())).toMatch(/^nestclaw-jest-run-/);
  });
});
