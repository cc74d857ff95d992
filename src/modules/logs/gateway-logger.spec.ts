import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { colorsWanted, ConsoleOptions, GatewayLogger } from './gateway-logger';
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
  const make = (options: Partial<ConsoleOptions> = {}) =>
    new GatewayLogger(logs, { levels: ['log', 'warn', 'error'], format: 'text', colors: false, ...options });

  afterEach(() => {
    restore();
    logs.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('records redacted messages and stacks, and prints them redacted at the console levels', () => {
    const logger = make({ levels: ['error'] });
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
    const logger = make({ levels: false });
    logger.debug('too detailed', 'X');
    logger.warn('kept', 'X');
    expect(written).toEqual([]);
    expect(logs.tail().lines).toEqual([expect.stringMatching(/WARN +\[X\] kept$/)]);
  });

  it('prints plain text without colour codes unless asked, and colours only the level name when asked', () => {
    make().warn('plain line', 'Ctx');
    make({ colors: true }).warn('painted line', 'Ctx');
    const [plain, painted] = written;
    expect(plain).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z WARN +\[Ctx\] plain line\n$/);
    expect(plain).not.toContain('\x1b');
    expect(painted).toContain('\x1b[33mWARN\x1b[39m');
  });

  it('prints one JSON object a line in json format, never coloured, a stack inside its record', () => {
    const logger = make({ format: 'json', colors: true });
    logger.log('hello', 'Ctx');
    logger.error(`failed with ${SECRET}`, 'Error: boom\n    at f (a.js:1)', 'Ctx');
    const lines = written.join('').trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines.join('')).not.toContain('\x1b');
    expect(JSON.parse(lines[0])).toMatchObject({ level: 'info', context: 'Ctx', message: 'hello' });
    expect(JSON.parse(lines[1])).toMatchObject({
      level: 'error',
      message: 'failed with [redacted]\nError: boom\n    at f (a.js:1)',
    });
  });

  it("keeps Nest's start-up chatter at debug: off the console and out of an info-level log", () => {
    make().log('AppModule dependencies initialized', 'InstanceLoader');
    expect(written).toEqual([]);
    expect(logs.tail().lines).toEqual([]);
  });
});

describe(colorsWanted.name, () => {
  it('colours a terminal only, and never with NO_COLOR or TERM=dumb', () => {
    expect(colorsWanted({ isTTY: true }, {})).toBe(true);
    expect(colorsWanted({ isTTY: false }, {})).toBe(false);
    expect(colorsWanted({}, {})).toBe(false);
    expect(colorsWanted({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colorsWanted({ isTTY: true }, { TERM: 'dumb' })).toBe(false);
  });
});
