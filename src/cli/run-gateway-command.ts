import type { GatewayClient } from '../common/client';
import { ConfigError, loadConfigFromProcess, ResolvedConfig } from '../common/config';
import type { TargetOptions } from './commands/target-options';
import { ExitCode, UsageError } from './exit-codes';
import { describeFailure } from './failure';
import { parseTimeout, withGateway } from './gateway-session';
import { printJson, printLines, terminalSafe, withProgress } from './output';
import { GatewayTarget, resolveTarget } from './target';

export interface GatewayCommand<T> {
  call(client: GatewayClient, config: ResolvedConfig): Promise<T>;
  render(result: T): string[];
  /** For answers that are delivered but describe a failure (an agent run that errored). */
  exitCode?(result: T): number;
}

/** Resolve the target, call the gateway, print the result or a failure that says how to fix it, set the exit code. */
export async function runGatewayCommand<T>(options: TargetOptions, command: GatewayCommand<T>): Promise<void> {
  let target: GatewayTarget | undefined;
  try {
    const config = loadCliConfig();
    target = resolveTarget(config, options);
    const timeoutMs = parseTimeout(options.timeout);
    const resolved = target;
    const result = await withProgress(`contacting ${resolved.url}`, Boolean(options.json), () =>
      withGateway(resolved, timeoutMs, (client) => command.call(client, config)),
    );
    if (options.json) printJson(result);
    else printLines(command.render(result));
    process.exitCode = command.exitCode?.(result) ?? ExitCode.Ok;
  } catch (error) {
    reportFailure(error, target, options.json);
  }
}

export function loadCliConfig(): ResolvedConfig {
  try {
    return loadConfigFromProcess();
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(`${error.message}\nfix the listed keys and try again`);
    throw error;
  }
}

export function reportFailure(error: unknown, target: GatewayTarget | undefined, json?: boolean): void {
  const failure = describeFailure(error, target);
  if (json) printJson(failure.json);
  // The message may quote the gateway's error text, which may quote a peer.
  else process.stderr.write(`nestclaw: ${failure.message.split('\n').map(terminalSafe).join('\n')}\n`);
  process.exitCode = failure.exitCode;
}

export { ExitCode };
