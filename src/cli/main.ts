import { Command, CommanderError } from 'commander';
import { NESTCLAW_VERSION } from '../common/version';
import { ExitCode } from './exit-codes';
import { applyProfile, extractProfile } from './profile';
import { registerApprovals } from './commands/approvals.command';
import { registerBrowser } from './commands/browser.command';
import { registerChannels } from './commands/channels.command';
import { registerConfig } from './commands/config.command';
import { registerDevices } from './commands/devices.command';
import { registerGatewayCalls } from './commands/gateway-calls.command';
import { registerGatewayProbe } from './commands/gateway-probe.command';
import { registerGatewayRun } from './commands/gateway-run.command';
import { registerTunnel } from './commands/tunnel.command';
import { registerNodes } from './commands/nodes.command';
import { registerPairing } from './commands/pairing.command';
import { registerStatus } from './commands/status.command';
import { registerNodeRun } from './commands/node-run.command';
import { registerGatewayService } from './commands/gateway-install.command';
import { registerLogs } from './commands/logs.command';
import { registerModels } from './commands/models.command';
import { registerSessions } from './commands/sessions.command';
import { registerOnboard } from './commands/onboard.command';
import { registerSecurityAudit } from './commands/security-audit.command';
import { registerDoctor } from './commands/doctor.command';

/**
 * The nestclaw command. Only commander, node built-ins and the small
 * `*.command.ts` files (options and help text) load here; each command's work
 * lives in a module imported when that command runs, so `--help` never loads Nest.
 */
export function buildProgram(): Command {
  const program = new Command('nestclaw')
    .description('Self-hosted gateway for a personal AI assistant')
    .version(NESTCLAW_VERSION, '-V, --version')
    // Taken out of argv before parsing (cli/profile.ts) so it works on every command; declared for --help.
    .option('--profile <name>', 'an isolated profile: state in ~/.nestclaw-<name>, its own port and unit names')
    .showHelpAfterError('(run with --help for usage)')
    // Usage errors must exit 3 (README), not commander's default 1; subcommands inherit this.
    .exitOverride();

  const gateway = program.command('gateway').description('run and talk to the gateway');
  registerGatewayRun(gateway);
  registerTunnel(program);
  registerGatewayCalls(program, gateway);
  registerGatewayProbe(gateway);
  registerStatus(program);
  registerDevices(program);
  registerNodes(program);
  registerChannels(program);
  registerPairing(program);
  registerNodeRun(program);
  registerApprovals(program);
  registerGatewayService(gateway);
  registerSecurityAudit(program);
  registerOnboard(program);
  registerLogs(program);
  registerSessions(program);
  registerModels(program);
  registerDoctor(program);
  registerBrowser(program);
  registerConfig(program);

  return program;
}

export function run(argv: string[] = process.argv): Promise<void> {
  let args: string[];
  try {
    const extracted = extractProfile(argv.slice(2));
    applyProfile(extracted.profile, process.env);
    args = [...argv.slice(0, 2), ...extracted.argv];
  } catch (error) {
    console.error(`nestclaw: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = ExitCode.Usage;
    return Promise.resolve();
  }
  return buildProgram()
    .parseAsync(args)
    .then(() => undefined)
    .catch((error: unknown) => {
      if (error instanceof CommanderError) {
        // commander already printed the message (or the help / version).
        process.exitCode = error.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
        return;
      }
      console.error(`nestclaw: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = ExitCode.Failed;
    });
}

if (require.main === module) void run();
