import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  ensureGeneratedToken,
  ensurePrivateDir,
  GENERATED_TOKEN_FILE,
  generatedTokenPath,
  readGeneratedToken,
} from './secret-file';

const modeOf = (file: string) => fs.statSync(file).mode & 0o777;

describe(ensureGeneratedToken.name, () => {
  let tempRoot: string;
  let stateDir: string;

  beforeEach(() => {
    tempRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'nestclaw-secret-'));
    stateDir = path.join(tempRoot, 'state');
  });

  afterEach(() => {
    fs.rmSync(tempRoot, { recursive: true, force: true });
  });

  it('creates the state dir and a 0600 token file on first use', () => {
    // Act
    const result = ensureGeneratedToken(stateDir);

    // Assert
    expect(result.created).toBe(true);
    expect(result.path).toBe(path.join(stateDir, 'gateway.token'));
    expect(result.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(result.token, 'base64url')).toHaveLength(32);
    expect(fs.readFileSync(result.path, 'utf8')).toBe(`${result.token}\n`);
    expect(modeOf(result.path)).toBe(0o600);
    expect(modeOf(stateDir)).toBe(0o700);
  });

  it('reuses the stored token on the next call', () => {
    // Arrange
    const first = ensureGeneratedToken(stateDir);

    // Act
    const second = ensureGeneratedToken(stateDir);

    // Assert
    expect(second).toEqual({ token: first.token, created: false, path: first.path });
  });

  it('generates different tokens for different state dirs', () => {
    // Act
    const a = ensureGeneratedToken(path.join(tempRoot, 'a'));
    const b = ensureGeneratedToken(path.join(tempRoot, 'b'));

    // Assert
    expect(a.token).not.toBe(b.token);
  });

  it('reads a token someone else wrote and trims its whitespace', () => {
    // Arrange
    fs.mkdirSync(stateDir);
    fs.writeFileSync(path.join(stateDir, GENERATED_TOKEN_FILE), '  handwritten-token \n', { mode: 0o600 });

    // Act
    const result = ensureGeneratedToken(stateDir);

    // Assert
    expect(result).toEqual({ token: 'handwritten-token', created: false, path: path.join(stateDir, GENERATED_TOKEN_FILE) });
  });

  it('tightens an existing 0644 token file to 0600', () => {
    // Arrange
    fs.mkdirSync(stateDir);
    const file = path.join(stateDir, GENERATED_TOKEN_FILE);
    fs.writeFileSync(file, 'tok\n');
    fs.chmodSync(file, 0o644);

    // Act
    const result = ensureGeneratedToken(stateDir);

    // Assert
    expect(result.token).toBe('tok');
    expect(modeOf(file)).toBe(0o600);
  });

  it.each([[''], ['  \n']])('refuses an existing file holding %p with an error that says to delete it', (content) => {
    // Arrange
    fs.mkdirSync(stateDir);
    const file = path.join(stateDir, GENERATED_TOKEN_FILE);
    fs.writeFileSync(file, content, { mode: 0o600 });

    // Act / Assert
    expect(() => ensureGeneratedToken(stateDir)).toThrow(`${file} exists but holds no token: delete it and start again`);
    expect(fs.readFileSync(file, 'utf8')).toBe(content);
  });
});

describe(readGeneratedToken.name, () => {
  let stateDir: string;

  beforeEach(() => {
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nestclaw-read-'));
  });

  afterEach(() => {
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  it('returns undefined when there is no file', () => {
    expect(readGeneratedToken(stateDir)).toBeUndefined();
  });

  it('returns undefined for an empty file', () => {
    // Arrange
    fs.writeFileSync(generatedTokenPath(stateDir), '\n');

    // Act / Assert
    expect(readGeneratedToken(stateDir)).toBeUndefined();
  });

  it('returns the trimmed token', () => {
    // Arrange
    fs.writeFileSync(generatedTokenPath(stateDir), 'abc\n');

    // Act / Assert
    expect(readGeneratedToken(stateDir)).toBe('abc');
  });
});

describe(ensurePrivateDir.name, () => {
  let tempRoot: string;

  beforeEach(() => {
    tempRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'nestclaw-dir-'));
  });

  afterEach(() => {
    fs.rmSync(tempRoot, { recursive: true, force: true });
  });

  it('creates nested directories with mode 0700', () => {
    // Arrange
    const dir = path.join(tempRoot, 'a', 'b');

    // Act
    ensurePrivateDir(dir);

    // Assert
    expect(fs.statSync(dir).isDirectory()).toBe(true);
    expect(modeOf(dir)).toBe(0o700);
  });

  it('accepts a directory that already exists', () => {
    expect(() => ensurePrivateDir(tempRoot)).not.toThrow();
  });

  it('takes group and other access away from an existing directory', () => {
    // Arrange
    fs.chmodSync(tempRoot, 0o755);

    // Act
    ensurePrivateDir(tempRoot);

    // Assert
    expect(modeOf(tempRoot)).toBe(0o700);
  });
});

describe(generatedTokenPath.name, () => {
  it('puts gateway.token in the state dir', () => {
    expect(generatedTokenPath('/var/lib/nestclaw')).toBe('/var/lib/nestclaw/gateway.token');
  });
});
