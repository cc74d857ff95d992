import { Clock } from '../../common/clock';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig } from '../../common/config';
import { GatewayRuntime } from '../config/gateway-runtime';
import { DatabaseService } from './database.service';
import { MIGRATIONS } from './migrations';

describe(DatabaseService.name, () => {
  let stateDir: string;
  let service: DatabaseService;

  beforeEach(() => {
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nestclaw-db-'));
    const config = loadConfig({ env: { NESTCLAW_STATE_DIR: stateDir }, homeDir: stateDir, readFile: () => undefined });
    service = new DatabaseService(new GatewayRuntime(config, ['127.0.0.1'], Date.now(), 'test', 'host'), new Clock());
  });
  afterEach(() => {
    service.onModuleDestroy();
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  it('migrates a new state dir to the latest schema, in WAL mode, owner-only', () => {
    expect(service.schemaVersion).toBe(MIGRATIONS.length);
    expect(service.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(fs.statSync(service.file).mode & 0o777).toBe(0o600);
  });

  describe('prepare', () => {
    it('prepares each SQL text once', () => {
      const sql = 'SELECT value FROM gateway_meta WHERE key = ?';
      expect(service.db.prepare(sql)).toBe(service.db.prepare(sql));
    });

    it('gives back a reused statement in its default mode, whatever the last caller set', () => {
      const sql = "SELECT key, value FROM gateway_meta WHERE key = 'createdAtMs'";
      expect(typeof service.db.prepare(sql).pluck().get()).toBe('string');
      expect(service.db.prepare(sql).get()).toEqual({ key: 'createdAtMs', value: expect.any(String) });
    });
  });
});
