import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ResolvedLogging } from '../../common/config';
import { LOG_LIMITS, LogsService } from './logs.service';

describe(LogsService.name, () => {
  let dir: string;
  const services: LogsService[] = [];
  const make = (logging: Partial<ResolvedLogging> = {}, secrets: string[] = []) => {
    const service = new LogsService({
      logging: { file: path.join(dir, 'logs', 'gateway.log'), level: 'info', format: 'text', ...logging },
      secrets,
      now: () => Date.UTC(2026, 0, 2, 3, 4, 5),
    });
    services.push(service);
    return service;
  };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nestclaw-logs-'));
  });
  afterEach(() => {
    services.splice(0).forEach((s) => s.close());
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('record', () => {
    it('writes redacted text lines to a private file and the ring', () => {
      const logs = make({}, ['s3cret-value']);
      logs.record('info', 'Test', 'token is s3cret-value');
      const file = path.join(dir, 'logs', 'gateway.log');
      expect(fs.readFileSync(file, 'utf8')).toBe('2026-01-02T03:04:05.000Z INFO    [Test] token is [redacted]\n');
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
      expect(logs.tail().lines).toEqual(['2026-01-02T03:04:05.000Z INFO    [Test] token is [redacted]']);
    });

    it('redacts secrets given after start (a config reload) from then on', () => {
      const logs = make({}, ['old-secret-value']);
      logs.setSecrets(['new-secret-value']);
      logs.record('info', undefined, 'new-secret-value here');
      expect(logs.tail().lines[0]).toMatch(/\[redacted\] here$/);
    });

    it('keeps redacting a secret a reload replaced, up to the cap', () => {
      const logs = make({}, ['first-secret-value']);
      logs.setSecrets(['second-secret-value']);
      logs.record('info', undefined, 'first-secret-value and second-secret-value');
      expect(logs.tail().lines[0]).toMatch(/\[redacted\] and \[redacted\]$/);
      for (let i = 0; i < LOG_LIMITS.knownSecrets; i++) logs.setSecrets([`rotated-secret-${i}`]);
      logs.record('info', undefined, 'first-secret-value rotated-secret-0');
      expect(logs.tail().lines[1]).toMatch(/first-secret-value \[redacted\]$/);
    });

    it('writes one JSON object a line in json format', () => {
      const logs = make({ format: 'json' });
      logs.record('warn', 'Ctx', 'two\nlines');
      expect(JSON.parse(logs.tail().lines[0])).toEqual({
        time: '2026-01-02T03:04:05.000Z',
        level: 'warn',
        context: 'Ctx',
        message: 'two\nlines',
      });
    });

    it('puts a stack under its message as indented lines', () => {
      const logs = make();
      logs.record('error', 'X', 'failed', 'Error: boom\n    at f (a.js:1)');
      expect(logs.tail().lines).toEqual([
        '2026-01-02T03:04:05.000Z ERROR   [X] failed',
        '    Error: boom',
        '        at f (a.js:1)',
      ]);
    });

    it('drops lines below the configured level', () => {
      const logs = make({ level: 'warn' });
      logs.record('info', undefined, 'chatty');
      logs.record('debug', undefined, 'chattier');
      expect(logs.tail().lines).toEqual([]);
    });

    it('cuts a huge message', () => {
      const logs = make();
      logs.record('info', undefined, 'x'.repeat(100_000));
      const [line] = logs.tail().lines;
      expect(Buffer.byteLength(line)).toBeLessThan(LOG_LIMITS.maxMessageBytes + 200);
      expect(line).toMatch(/cut at 8192 bytes\]$/);
    });

    it('keeps logging in memory when the file cannot be written, and says so once', () => {
      fs.writeFileSync(path.join(dir, 'logs'), 'a file where the directory should be');
      const problems: string[] = [];
      const logs = new LogsService({
        logging: { file: path.join(dir, 'logs', 'gateway.log'), level: 'info', format: 'text' },
        secrets: [],
        onFileError: (m) => problems.push(m),
      });
      services.push(logs);
      logs.record('info', undefined, 'still here');
      expect(problems).toHaveLength(1);
      expect(problems[0]).toContain('gateway.logging.file');
      expect(problems[0]).not.toContain(dir);
      expect(logs.tail()).toMatchObject({ file: 'memory', lines: [expect.stringContaining('still here')] });
    });
  });

  describe('tail', () => {
    it('follows with the cursor it returned', () => {
      const logs = make();
      logs.record('info', undefined, 'one');
      const first = logs.tail();
      logs.record('info', undefined, 'two');
      logs.record('info', undefined, 'three');
      const next = logs.tail({ cursor: first.cursor });
      expect(next.lines.map((l) => l.split('] ').pop() ?? l.slice(-5))).toEqual([
        expect.stringContaining('two'),
        expect.stringContaining('three'),
      ]);
      expect(next).toMatchObject({ reset: false, truncated: false, file: 'gateway.log' });
      expect(logs.tail({ cursor: next.cursor }).lines).toEqual([]);
    });

    it('reads lines older than the ring from the file', () => {
      const logs = make();
      for (let i = 0; i < LOG_LIMITS.ringLines + 10; i++) logs.record('info', undefined, `line ${i}`);
      const all = logs.tail({ cursor: 0, limit: 5_000, maxBytes: 1_000_000 });
      expect(all.lines).toHaveLength(LOG_LIMITS.ringLines + 10);
      expect(all.lines[0]).toContain('line 0');
    });

    it('keeps the newest `limit` lines and says it truncated', () => {
      const logs = make();
      for (let i = 0; i < 10; i++) logs.record('info', undefined, `line ${i}`);
      const tail = logs.tail({ limit: 3 });
      expect(tail.lines.map((l) => l.slice(-6))).toEqual(['line 7', 'line 8', 'line 9']);
      expect(tail.truncated).toBe(true);
    });

    it('answers at most maxBytes, starting at a whole line', () => {
      const logs = make();
      for (let i = 0; i < 10; i++) logs.record('info', undefined, `line ${i}`);
      const tail = logs.tail({ cursor: 0, maxBytes: 100 });
      expect(tail.reset).toBe(true);
      expect(tail.lines.join('\n').length).toBeLessThanOrEqual(100);
      expect(tail.lines.every((l) => l.startsWith('2026-'))).toBe(true);
    });

    it('resets a cursor past the end (the file was rotated or the gateway restarted)', () => {
      const logs = make();
      logs.record('info', undefined, 'fresh');
      const tail = logs.tail({ cursor: 10_000_000 });
      expect(tail).toMatchObject({ reset: true, lines: [expect.stringContaining('fresh')] });
    });

    it('continues after a restart from the same file', () => {
      make().record('info', undefined, 'before');
      services.splice(0).forEach((s) => s.close());
      const again = make();
      again.record('info', undefined, 'after');
      expect(again.tail().lines).toEqual([expect.stringContaining('before'), expect.stringContaining('after')]);
    });
  });

  describe('rotation', () => {
    it('rotates by size, keeps three old files, and starts offsets again', () => {
      const logs = make();
      const big = 'y'.repeat(8_000);
      const linesPerFile = Math.ceil(LOG_LIMITS.fileMaxBytes / 8_050);
      for (let i = 0; i < linesPerFile * 5; i++) logs.record('info', undefined, big);
      const files = fs.readdirSync(path.join(dir, 'logs')).sort();
      expect(files).toEqual(['gateway.log', 'gateway.log.1', 'gateway.log.2', 'gateway.log.3']);
      for (const f of files) expect(fs.statSync(path.join(dir, 'logs', f)).size).toBeLessThanOrEqual(LOG_LIMITS.fileMaxBytes);
      const tail = logs.tail({ cursor: LOG_LIMITS.fileMaxBytes + 1 });
      expect(tail.reset).toBe(true);
      expect(tail.cursor).toBe(fs.statSync(path.join(dir, 'logs', 'gateway.log')).size);
    });
  });
});
