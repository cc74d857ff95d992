import { Command } from 'commander';
import { NESTCLAW_VERSION } from '../common/version';
import { registerGatewayRun } from './commands/gateway-run.command';

/**
 * The nestclaw command. Only commander, node built-ins and the small
 * `*.command.ts` files (options and help text) load here; each command's work
 * lives in a module imported when that command runs, so `--help` never loads Nest.
 */
export function buildProgram(): Command {
  const program = new Command('nestclaw')
    .description('Self-hosted gateway for a personal AI assistant')
    .version(NESTCLAW_VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)');

  const gateway = program.command('gateway').description('run and talk to the gateway');
  registerGatewayRun(gateway);

  return program;
}

export function run(argv: string[] = process.argv): Promise<void> {
  return buildProgram()
    .parseAsync(argv)
    .then(() => undefined)
    .catch((error: unknown) => {
      console.error(`nestclaw: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    });
}

if (require.main === module) void run();
