import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createSecretFileOnce, writeSecretFileAtomic } from './atomic-secret-file';

describe(writeSecretFileAtomic.name, () => {
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nestclaw-secret-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('creates the file with mode 0600 and the exact content', () => {
    // Arrange
    const file = path.join(dir, 'secret.json');

    // Act
    writeSecretFileAtomic(file, '{"token":"t"}\n');

    // Assert
    expect(fs.readFileSync(file, 'utf8')).toBe('{"token":"t"}\n');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('replaces an existing file, tightening a loose mode, and leaves no temp file behind', () => {
    // Arrange
    const file = path.join(dir, 'secret.env');
    fs.writeFileSync(file, 'OLD=1\n', { mode: 0o644 });
    fs.chmodSync(file, 0o644);

    // Act
    writeSecretFileAtomic(file, 'NEW=2\n');

    // Assert
    expect(fs.readFileSync(file, 'utf8')).toBe('NEW=2\n');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(dir)).toEqual(['secret.env']);
  });

  it('keeps 0600 under a permissive umask', () => {
    // Arrange
    const file = path.join(dir, 'token');
    const previous = process.umask(0);

    // Act
    try {
      writeSecretFileAtomic(file, 'x');
    } finally {
      process.umask(previous);
    }

    // Assert
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('leaves the old file whole and removes its temp file when the rename fails', () => {
    // Arrange: a folder where the file should be makes the rename fail.
    const target = path.join(dir, 'occupied');
    fs.mkdirSync(target);
    fs.writeFileSync(path.join(target, 'inside'), 'kept');

    // Act / Assert
    expect(() => writeSecretFileAtomic(target, 'new')).toThrow();
    expect(fs.readFileSync(path.join(target, 'inside'), 'utf8')).toBe('kept');
    expect(fs.readdirSync(dir)).toEqual(['occupied']);
  });

  it('fails clearly when the folder does not exist, creating nothing', () => {
    // Arrange
    const file = path.join(dir, 'missing', 'secret');

    // Act / Assert
    expect(() => writeSecretFileAtomic(file, 'x')).toThrow(/ENOENT/);
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});

describe(createSecretFileOnce.name, () => {
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nestclaw-secret-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('creates a missing file with mode 0600 and says so, leaving no temp file behind', () => {
    // Arrange
    const file = path.join(dir, 'gateway.token');

    // Act
    const created = createSecretFileOnce(file, 'first\n');

    // Assert
    expect(created).toBe(true);
    expect(fs.readFileSync(file, 'utf8')).toBe('first\n');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(dir)).toEqual(['gateway.token']);
  });

  it('keeps an existing file as it is and reports that nothing was created', () => {
    // Arrange
    const file = path.join(dir, 'gateway.token');
    createSecretFileOnce(file, 'first\n');

    // Act
    const created = createSecretFileOnce(file, 'second\n');

    // Assert
    expect(created).toBe(false);
    expect(fs.readFileSync(file, 'utf8')).toBe('first\n');
    expect(fs.readdirSync(dir)).toEqual(['gateway.token']);
  });

  it('fails with the reason when the folder is missing, leaving nothing behind', () => {
    expect(() => createSecretFileOnce(path.join(dir, 'missing', 'x'), 'x')).toThrow(/ENOENT/);
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});
