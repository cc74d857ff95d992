import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureEnvFile, formatEnvValue, mergeEnvFile } from './onboard-env-file';

const modeOf = (file: string) => fs.statSync(file).mode & 0o777;

describe(formatEnvValue.name, () => {
  it.each([
    ['abc-DEF_123', 'abc-DEF_123'],
    ['123456:AA-bb_cc', '123456:AA-bb_cc'],
    ['purple tractor sings', "'purple tractor sings'"],
    ['a$b#c', "'a$b#c'"],
  ])('writes %p as %p', (value, expected) => {
    expect(formatEnvValue(value)).toBe(expected);
  });

  it.each([["it's"], ['back\\slash'], ['two\nlines']])('refuses %p', (value) => {
    expect(() => formatEnvValue(value)).toThrow('must not contain');
  });
});

describe(mergeEnvFile.name, () => {
  let dir: string;
  let file: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nestclaw-env-'));
    file = path.join(dir, 'gateway.env');
  });

  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('creates the file 0600 with the comments and the keys', () => {
    // Act
    mergeEnvFile(file, { NESTCLAW_GATEWAY_TOKEN: 'tok' });

    // Assert
    expect(modeOf(file)).toBe(0o600);
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toMatch(/^# Secrets for the nestclaw gateway/);
    expect(text).toMatch(/^NESTCLAW_GATEWAY_TOKEN=tok$/m);
  });

  it('replaces a key, drops its repeats and keeps every other line', () => {
    // Arrange
    fs.writeFileSync(file, '# mine\nOTHER=1\nNESTCLAW_GATEWAY_TOKEN=old\nexport NESTCLAW_GATEWAY_TOKEN=older\n', { mode: 0o644 });

    // Act
    mergeEnvFile(file, { NESTCLAW_GATEWAY_TOKEN: 'new', TELEGRAM_BOT_TOKEN: '1:x' });

    // Assert
    expect(fs.readFileSync(file, 'utf8')).toBe('# mine\nOTHER=1\nNESTCLAW_GATEWAY_TOKEN=new\nTELEGRAM_BOT_TOKEN=1:x\n');
    expect(modeOf(file)).toBe(0o600);
  });
});

describe(ensureEnvFile.name, () => {
  it('creates once, then keeps the file but tightens its mode', () => {
    // Arrange
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nestclaw-env-'));
    const file = path.join(dir, 'gateway.env');

    // Act / Assert
    expect(ensureEnvFile(file)).toBe(true);
    expect(modeOf(file)).toBe(0o600);
    fs.writeFileSync(file, 'A=1\n');
    fs.chmodSync(file, 0o644);
    expect(ensureEnvFile(file)).toBe(false);
    expect(fs.readFileSync(file, 'utf8')).toBe('A=1\n');
    expect(modeOf(file)).toBe(0o600);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
