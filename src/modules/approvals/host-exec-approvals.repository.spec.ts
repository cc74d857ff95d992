import { Clock } from '../../common/clock';
import { Logger } from '@nestjs/common';
import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig } from '../../common/config';
import { GatewayRuntime } from '../config/gateway-runtime';
import { DATABASE_FILE, DatabaseService } from '../state/database.service';
import { MIGRATIONS } from '../state/migrations';
import { HostExecApprovalsRepository } from './host-exec-approvals.repository';

describe(HostExecApprovalsRepository.name, () => {
  let stateDir: string;
  let database: DatabaseService | undefined;

  const open = () => {
    const config = loadConfig({ env: { NESTCLAW_STATE_DIR: stateDir }, homeDir: stateDir, readFile: () => undefined });
    database = new DatabaseService(new GatewayRuntime(config, ['127.0.0.1'], Date.now(), 'test', 'host'), new Clock());
    return new HostExecApprovalsRepository(database);
  };

  beforeAll(() => jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined));
  beforeEach(() => (stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nestclaw-host-exec-'))));
  afterEach(() => {
    database?.onModuleDestroy();
    database = undefined;
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  it('allows a program only with arguments that fit what was approved', () => {
    const repository = open();
    repository.add('echo', ['one'], 'cli', 1);
    repository.add('echo', ['two', '**'], 'cli', 2);
    expect(repository.allows('echo', ['one'])).toBe(true);
    expect(repository.allows('echo', ['two', '-n', 'x'])).toBe(true);
    expect(repository.allows('echo', ['one', 'more'])).toBe(false);
    expect(repository.allows('echo', [])).toBe(false);
    expect(repository.allows('printf', ['one'])).toBe(false);
    expect(repository.all().map((entry) => entry.args)).toEqual([['one'], ['two', '**']]);
  });

  it('ignores a damaged row instead of letting it allow anything', () => {
    const repository = open();
    database!.db
      .prepare('INSERT INTO host_exec_approvals (command, args_json, approved_by, approved_at_ms) VALUES (?, ?, ?, ?)')
      .run('echo', 'not json', null, 1);
    expect(repository.allows('echo', [])).toBe(false);
    expect(repository.all()).toEqual([]);
  });

  it('keeps a program-wide "allow always" stored before argument binding, as any arguments', () => {
    // A state dir at the schema just before host_exec_approvals, holding an old answer.
    const old = new Database(path.join(stateDir, DATABASE_FILE));
    const before = MIGRATIONS.findIndex((step) => step.includes('CREATE TABLE host_exec_approvals'));
    for (const step of MIGRATIONS.slice(0, before)) old.exec(step);
    old.pragma(`user_version = ${before}`);
    old.prepare('INSERT INTO host_exec_allowlist (command, approved_by, approved_at_ms) VALUES (?, ?, ?)').run('date', 'cli', 5);
    old.close();

    const repository = open();
    expect(repository.all()).toEqual([{ command: 'date', args: ['**'], approvedBy: 'cli', approvedAtMs: 5 }]);
    expect(repository.allows('date', ['-u'])).toBe(true);
  });
});
