import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig } from '../../common/config';
import { GatewayRuntime } from '../config/gateway-runtime';
import { HostApprovalsFileRepository } from './host-approvals-file.repository';

describe(HostApprovalsFileRepository.name, () => {
  let stateDir: string;
  let repository: HostApprovalsFileRepository;
  const write = (value: unknown) =>
    fs.writeFileSync(path.join(stateDir, 'exec-approvals.json'), JSON.stringify(value), { mode: 0o600 });

  beforeEach(() => {
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nestclaw-host-file-'));
    const config = loadConfig({ env: { NESTCLAW_STATE_DIR: stateDir }, homeDir: stateDir, readFile: () => undefined });
    repository = new HostApprovalsFileRepository(new GatewayRuntime(config, ['127.0.0.1'], 0, 'test', 'host'));
  });
  afterEach(() => fs.rmSync(stateDir, { recursive: true, force: true }));

  describe('allows', () => {
    it('allows nothing without a file', () => {
      expect(repository.allows(['sh', '-c', 'true'])).toBe(false);
    });

    it('reads the file on every call, matching the resolved program and its argument patterns', () => {
      const sh = fs.realpathSync('/bin/sh');
      write({ version: 1, agents: { '*': { allowlist: [{ pattern: sh, args: ['-c', 'true'] }] } } });
      expect(repository.allows([sh, '-c', 'true'])).toBe(true);
      expect(repository.allows([sh, '-c', 'rm -rf /'])).toBe(false);
      write({ version: 1 });
      expect(repository.allows([sh, '-c', 'true'])).toBe(false);
    });

    it('allows nothing from an unusable file', () => {
      fs.writeFileSync(
        path.join(stateDir, 'exec-approvals.json'),
        '{"version":1,"agents":{"*":{"allowlist":[{"pattern":"sh","x":1}]}}}',
        {
          mode: 0o600,
        },
      );
      expect(repository.allows(['sh'])).toBe(false);
      expect(repository.problem()).toContain('unknown key "x"');
      expect(repository.problem()).not.toContain(stateDir);
    });
  });
});
