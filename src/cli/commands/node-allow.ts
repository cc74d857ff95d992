import * as path from 'node:path';
import { exactArgsPattern } from '../../common/exec/args-pattern';
import { appendExecApproval, execApprovalsPath } from '../../common/exec/exec-approvals-store';
import type { ExecAllowlistEntry } from '../../common/protocol/exec-approval';
import { ExitCode, UsageError } from '../exit-codes';
import { printJson, terminalSafe } from '../output';
import { loadCliConfig } from '../run-gateway-command';

export interface NodeAllowOptions {
  anyArgs?: boolean;
  note?: string;
  json?: boolean;
}

/**
 * `nestclaw node allow <program> [-- args...]`: adds one entry to this
 * machine's exec-approvals.json, the file `nestclaw node run --exec
 * allowlist|ask` reads on every system.run. It is the command a refusal
 * names, so it records exactly what was refused: this file with these
 * arguments, nothing wider unless --any-args says so.
 */
export function runNodeAllow(program: string, args: string[], options: NodeAllowOptions): void {
  try {
    if (options.anyArgs && args.length > 0)
      throw new UsageError('--any-args allows any arguments: give the program alone, without arguments after it');
    if (program.includes('/') && !path.isAbsolute(program))
      throw new UsageError(
        `the program must be an absolute path or a bare name looked up on PATH (got ${JSON.stringify(program)})`,
      );
    const file = execApprovalsPath(loadCliConfig().stateDir);
    const approval: ExecAllowlistEntry = {
      pattern: program,
      ...(options.anyArgs ? {} : { args: exactArgsPattern(args) }),
      note: options.note ?? `added with nestclaw node allow on ${new Date().toISOString()}`,
    };
    const { added } = appendExecApproval(file, approval);
    const scope = options.anyArgs ? 'any arguments' : args.length === 0 ? 'no arguments' : 'exactly these arguments';
    if (options.json) printJson({ ok: true, added, file, entry: approval });
    else
      process.stdout.write(
        `${added ? 'allowed' : 'already allowed'}: ${terminalSafe(program)} with ${scope}, in ${file}\n` +
          `A running node host reads this file on every system.run: no restart needed.\n`,
      );
    process.exitCode = ExitCode.Ok;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (options.json) printJson({ ok: false, message });
    else process.stderr.write(`nestclaw: ${terminalSafe(message)}\n`);
    process.exitCode = error instanceof UsageError ? ExitCode.Usage : ExitCode.Failed;
  }
}
