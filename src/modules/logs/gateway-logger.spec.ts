import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GatewayLogger } from './gateway-logger';
import { LogsService } from './logs.service';

describe(GatewayLogger.name, () => {
  const SECRET = 'the-gateway-secret-value';
  let dir: string;
  let logs: LogsService;
  let written: string[];
  let restore: () => void;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nestclaw-logger-'));
    logs = new LogsService({
      logging: { file: path.join(dir, 'gateway.log'), level: 'info', format: 'text' },
      secrets: [SECRET],
    });
    written = [];
    const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => (written.push(String(chunk)), true));
    const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => (written.push(String(chunk)), true));
    restore = () => (out.mockRestore(), err.mockRestore());
  });
  afterEach(() => {
    restore();
    logs.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('records redacted messages and stacks, and prints them redacted at the console levels', () => {
    const logger = new GatewayLogger(logs, ['error']);
    logger.error(`login with ${SECRET} failed`, `Error: ${SECRET}\n    at x (y.js:1)`, 'Auth');
    logger.log('quiet on the console', 'Boot');

    expect(logs.tail().lines).toEqual([
      expect.stringMatching(/ERROR +\[Auth\] login with \[redacted\] failed$/),
      '    Error: [redacted]',
      '        at x (y.js:1)',
      expect.stringMatching(/INFO +\[Boot\] quiet on the console$/),
    ]);
    const printed = written.join('');
    expect(printed).toContain('login with [redacted] failed');
    expect(printed).toContain('Error: [redacted]');
    expect(printed).not.toContain(SECRET);
    expect(printed).not.toContain('quiet on the console');
  });

  it('keeps recording with the console muted, at the configured level only', () => {
    const logger = new GatewayLogger(logs, false);
    logger.debug('too detailed', 'X');
    logger.warn('kept', 'X');
    expect(written).toEqual([]);
    expect(logs.tail().lines).toEqual([expect.stringMatching(/WARN +\[X\] kept$/)]);
  });
});
