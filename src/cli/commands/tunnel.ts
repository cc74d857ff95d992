import * as fs from 'node:fs';
import * as os from 'node:os';
import { ConfigError, loadConfigFromProcess } from '../../common/config';
import { ExitCode } from '../exit-codes';
import { useColor } from '../output';
import { SshTunnel, systemTunnelDeps } from '../tunnel/ssh-tunnel';
import { formatTunnelState, ReportStyle } from '../tunnel/tunnel-report';
import { resolveTunnelSettings, TunnelConfigDefaults, TunnelFlags } from '../tunnel/tunnel-settings';

export interface TunnelSshOptions extends TunnelFlags {
  json?: boolean;
}

/** `nestclaw tunnel ssh`: runs the tunnel in the foreground until SIGINT/SIGTERM or a failure retrying cannot fix. */
export async function runTunnelSshCommand(targetArg: string | undefined, options: TunnelSshOptions): Promise<void> {
  let config: TunnelConfigDefaults;
  try {
    const loaded = loadConfigFromProcess();
    config = {
      configPath: loaded.configPath,
      sshTarget: loaded.gateway.remote?.sshTarget,
      sshIdentity: loaded.gateway.remote?.sshIdentity,
      gatewayPort: loaded.file.gateway?.port,
    };
  } catch (error) {
    if (error instanceof ConfigError) return fail(`${error.message}\nfix the listed keys and start again`, ExitCode.Usage);
    throw error;
  }

  const settings = resolveTunnelSettings({
    targetArg,
    flags: options,
    config,
    homeDir: os.homedir(),
    cwd: process.cwd(),
    fileExists: (filePath) => fs.existsSync(filePath),
  });
  if (!settings.ok) return fail(settings.error, ExitCode.Usage);

  const style: ReportStyle = {
    json: options.json ?? false,
    color: !options.json && useColor(),
  };
  // ssh gets its own process group: a terminal's Ctrl-C then reaches only us, and we stop ssh without a restart.
  const tunnel = new SshTunnel(settings.spec, systemTunnelDeps({ detached: true }));
  tunnel.onState((state) => {
    const line = formatTunnelState(state, settings.spec, style, new Date());
    (line.stream === 'stdout' ? process.stdout : process.stderr).write(`${line.text}\n`);
  });

  const removeSignalHandlers = stopOnSignals(tunnel, style.json);
  tunnel.start();
  await tunnel.stopped();
  removeSignalHandlers();
  const last = tunnel.state;
  process.exitCode = last?.state === 'stopped' && last.failure ? ExitCode.Unreachable : ExitCode.Ok;
}

/** The first SIGINT/SIGTERM/SIGHUP stops the tunnel cleanly; a second one exits at once. */
function stopOnSignals(tunnel: SshTunnel, quiet: boolean): () => void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      process.stderr.write(`received ${signal} again, exiting without waiting for ssh\n`);
      process.exit(ExitCode.Failed);
    }
    stopping = true;
    if (!quiet) process.stdout.write(`received ${signal}, stopping the tunnel\n`);
    void tunnel.stop();
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  signals.forEach((signal) => process.on(signal, onSignal));
  return () => signals.forEach((signal) => process.off(signal, onSignal));
}

function fail(message: string, code: number): void {
  console.error(`nestclaw: ${message}`);
  process.exitCode = code;
}
