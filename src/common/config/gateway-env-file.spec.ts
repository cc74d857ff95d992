import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError } from './config-error';
import { parseEnvFile, withGatewayEnvFile } from './gateway-env-file';

describe(parseEnvFile.name, () => {
  it('reads comments, plain, exported and quoted values as onboard and a shell write them', () => {
    // Act
    const values = parseEnvFile(
      '# secrets\n\nNESTCLAW_GATEWAY_TOKEN=abc-123\nexport TELEGRAM_BOT_TOKEN=\'1:A B\'\nOPENAI_API_KEY="sk-x"\n',
      'f',
    );

    // Assert
    expect(values).toEqual({ NESTCLAW_GATEWAY_TOKEN: 'abc-123', TELEGRAM_BOT_TOKEN: '1:A B', OPENAI_API_KEY: 'sk-x' });
  });

  it('names the line it cannot read instead of guessing', () => {
    expect(() => parseEnvFile('A=1\nthis is not an assignment\nB=$(id)\n', 'f')).toThrow(ConfigError);
    expect(() => parseEnvFile('A=1\nthis is not an assignment\n', 'f')).toThrow(/line 2: expected KEY=value/);
    expect(() => parseEnvFile('B=$(id)\n', 'f')).toThrow(/line 1: the value of B must be plain or in single quotes/);
  });
});

describe(withGatewayEnvFile.name, () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nestclaw-envfile-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('adds the file under variables already set, which win', () => {
    // Arrange
    fs.writeFileSync(path.join(dir, 'gateway.env'), 'TELEGRAM_BOT_TOKEN=from-file\nOPENAI_API_KEY=file-key\n', { mode: 0o600 });

    // Act
    const env = withGatewayEnvFile({ NESTCLAW_STATE_DIR: dir, OPENAI_API_KEY: 'explicit' });

    // Assert
    expect(env).toMatchObject({ TELEGRAM_BOT_TOKEN: 'from-file', OPENAI_API_KEY: 'explicit' });
  });

  it('leaves the environment alone without a file', () => {
    expect(withGatewayEnvFile({ NESTCLAW_STATE_DIR: dir })).toEqual({ NESTCLAW_STATE_DIR: dir });
  });

  it('refuses a file others may write, with the chmod that fixes it', () => {
    // Arrange
    const file = path.join(dir, 'gateway.env');
    fs.writeFileSync(file, 'A=1\n');
    fs.chmodSync(file, 0o666);

    // Act + Assert
    expect(() => withGatewayEnvFile({ NESTCLAW_STATE_DIR: dir })).toThrow(`run chmod 600 ${file}`);
  });
});
