import { Injectable } from '@nestjs/common';
import * as os from 'node:os';
import { entryMatchesProgram } from '../../common/exec/allowlist-match';
import { argsMatch } from '../../common/exec/args-pattern';
import { findOnPath, resolveCommandPath } from '../../common/exec/path-lookup';
import { baseEnv } from '../../common/exec/safe-env';
import {
  execApprovalsPath,
  type ExecApprovalsSnapshot,
  loadExecApprovals,
  replaceExecApprovals,
  type ReplaceOutcome,
  snapshotOf,
} from '../../common/exec/exec-approvals-store';
import { GatewayRuntime } from '../config/gateway-runtime';

/** Refusals name the file without the gateway host's path. */
const GATEWAY_WORDING = {
  fileLabel: () => "exec-approvals.json in the gateway's state dir",
  readMethod: 'exec.approvals.get',
};

/**
 * The gateway host's own exec-approvals.json (same schema and store as a
 * node's), read on every host exec so an edit applies at once. It adds to
 * `tools.exec.allowlist` and the stored "allow always" answers; it never
 * turns host exec on (`tools.exec.enabled` does).
 */
@Injectable()
export class HostApprovalsFileRepository {
  readonly file: string;
  private readonly pathEnv = baseEnv(process.env).PATH;

  constructor(runtime: GatewayRuntime) {
    this.file = execApprovalsPath(runtime.config.stateDir);
  }

  /** Undefined when the file is unusable; `problem()` says why. */
  snapshot(): ExecApprovalsSnapshot | undefined {
    return snapshotOf(loadExecApprovals(this.file));
  }

  problem(): string | undefined {
    const state = loadExecApprovals(this.file);
    return state.status === 'invalid' ? state.problem.replaceAll(this.file, 'exec-approvals.json') : undefined;
  }

  replace(file: unknown, baseHash: string | undefined): ReplaceOutcome {
    return replaceExecApprovals(this.file, file, baseHash, GATEWAY_WORDING);
  }

  /** Whether an entry names the program argv[0] resolves to, with arguments fitting its patterns. */
  allows(argv: readonly string[]): boolean {
    const state = loadExecApprovals(this.file);
    if (state.status !== 'ok') return false;
    const target = {
      // Host exec runs in the home directory (agent/tools/host-exec.runner), so relative paths resolve there.
      resolvedPath: resolveCommandPath(argv[0], this.pathEnv, os.homedir()),
      homeDir: os.homedir(),
      resolveBareName: (name: string) => findOnPath(name, this.pathEnv),
    };
    return state.allow.some(
      (entry) => entryMatchesProgram(entry, target) && (entry.args === undefined || argsMatch(entry.args, argv.slice(1))),
    );
  }
}
