import { Command } from 'commander';
import { NESTCLAW_VERSION } from '../common/version';

/**
 * The nestclaw command. Only commander and node built-ins load here; each
 * command's module is imported when chosen, so `--help` never loads Nest.
 */
export function buildProgram(): Command {
  const program = new Command('nestclaw')
    .description('Self-hosted gateway for a personal AI assistant')
    .version(NESTCLAW_VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)');

  const gateway = program.command('gateway').description('run and talk to the gateway');
  gateway
    .command('run')
    .alias('start')
    .description('run the gateway in the foreground (ws + http on one port)')
    .option('--port <port>', 'port to listen on (default: gateway.port or 18789)')
    .option('--bind <mode>', 'loopback | lan | tailnet | auto | custom')
    .option('--auth <mode>', 'token | password')
    .option('--token <token>', 'shared token clients must present')
    .option('--password <password>', 'shared password clients must present (with --auth password)')
    .option('--verbose', 'log debug detail')
    .action(async (options) => (await import('./commands/gateway-run')).runGatewayCommand(options));

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
