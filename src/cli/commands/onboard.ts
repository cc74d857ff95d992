import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { auditConfig, gatewayEnvPath } from '../../common/audit';
import { ConfigError, loadConfig, loadConfigFromProcess, ResolvedConfig } from '../../common/config';
import { ensurePrivateDir, generatedTokenPath, writeSecretFileAtomic } from '../../common/state';
import { renderFindings, summaryLine } from '../audit/render-audit';
import { ExitCode } from '../exit-codes';
import { printLines } from '../output';
import { mergeEnvFile } from './onboard-env-file';
import { answersFromFlags, buildOnboardPlan, isNetworkBind, OnboardFlags, OnboardInputError, OnboardPlan } from './onboard-plan';
import { askOnboardAnswers, InputEndedError, Prompter } from './onboard-prompts';

export interface OnboardOptions extends OnboardFlags {
  nonInteractive?: boolean;
  force?: boolean;
}

interface Paths {
  configPath: string;
  stateDir: string;
  envPath: string;
  tokenPath: string;
}

/** `nestclaw onboard`: answers → validated config → files (secrets in gateway.env) → audit → next steps. */
export async function onboardCommand(options: OnboardOptions): Promise<void> {
  let paths: Paths;
  try {
    // Only the paths: the point of onboarding may be to replace a config that no longer loads.
    const resolved = loadConfig({ env: process.env, homeDir: os.homedir(), readFile: () => undefined });
    paths = {
      configPath: resolved.configPath,
      stateDir: resolved.stateDir,
      envPath: gatewayEnvPath(resolved.stateDir),
      tokenPath: generatedTokenPath(resolved.stateDir),
    };
  } catch (error) {
    if (error instanceof ConfigError) return fail(error.message, ExitCode.Usage);
    throw error;
  }
  const exists = fs.existsSync(paths.configPath);

  let plan: OnboardPlan;
  try {
    if (options.nonInteractive) {
      if (exists && !options.force) {
        return fail(
          `${paths.configPath} already exists: pass --force to replace it (the old file is kept as a backup), or edit it by hand`,
          ExitCode.Usage,
        );
      }
      plan = buildOnboardPlan(answersFromFlags(options), generateToken);
    } else {
      const planned = await interactivePlan(paths, exists && !options.force, hasAnswerFlags(options));
      if (!planned) return;
      plan = planned;
    }
  } catch (error) {
    if (error instanceof OnboardInputError || error instanceof InputEndedError)
      return fail(`${error.message}; nothing was written`, ExitCode.Usage);
    throw error;
  }

  const text = `${JSON.stringify(plan.config, null, 2)}\n`;
  const problem = validate(plan, text, paths);
  if (problem) return fail(`${problem}\nnothing was written`, ExitCode.Usage);

  const written = writeFiles(plan, text, paths, exists);
  let audit: string[];
  try {
    const config = loadConfigFromProcess();
    const findings = auditConfig(config);
    audit = [`security audit: ${summaryLine(findings)}`, ...renderFindings(findings).map((line) => (line ? `  ${line}` : line))];
  } catch (error) {
    audit = [`security audit: skipped (${error instanceof Error ? error.message : String(error)})`];
  }
  printLines([
    'nestclaw onboard: done',
    ...written.map((line) => `  ${line}`),
    '',
    ...trimEnd(audit),
    '',
    ...nextSteps(plan, paths),
  ]);
}

function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

function hasAnswerFlags(options: OnboardOptions): boolean {
  const { nonInteractive: _n, force: _f, ...answers } = options;
  return Object.values(answers).some((value) => value !== undefined);
}

async function interactivePlan(paths: Paths, askToReplace: boolean, flagsGiven: boolean): Promise<OnboardPlan | undefined> {
  const p = new Prompter(process.stdin, process.stdout);
  try {
    if (flagsGiven) p.say('(answer flags are used only with --non-interactive; asking instead)');
    if (askToReplace && !(await p.confirm(`${paths.configPath} exists. Replace it (the old file is kept as a backup)?`, false))) {
      p.say('nothing was written');
      return undefined;
    }
    const plan = buildOnboardPlan(await askOnboardAnswers(p), generateToken);
    p.say(
      '',
      `config for ${paths.configPath} (mode 0600):`,
      ...JSON.stringify(plan.config, null, 2)
        .split('\n')
        .map((line) => `  ${line}`),
    );
    const envKeys = Object.keys(plan.env);
    if (envKeys.length) p.say(`secrets for ${paths.envPath} (mode 0600): ${envKeys.join(', ')}`);
    if (!(await p.confirm('Write these files?', true))) {
      p.say('nothing was written');
      return undefined;
    }
    return plan;
  } finally {
    p.close();
  }
}

/** The same loader the gateway uses, fed what the gateway will see: the file and the env file's variables. */
function validate(plan: OnboardPlan, text: string, paths: Paths): string | undefined {
  let config: ResolvedConfig;
  try {
    config = loadConfig({
      env: { NESTCLAW_STATE_DIR: paths.stateDir, NESTCLAW_CONFIG_PATH: paths.configPath, ...plan.env },
      homeDir: os.homedir(),
      readFile: (file) => (file === paths.configPath ? text : undefined),
    });
  } catch (error) {
    if (error instanceof ConfigError) return `the answers do not make a valid config: ${error.message}`;
    throw error;
  }
  const gateway = config.gateway;
  if (gateway.mode === 'local' && isNetworkBind(gateway.bind, gateway.customBindHost) && !gateway.auth.source) {
    return `bind "${gateway.bind}" needs a configured ${gateway.auth.mode}`;
  }
  return undefined;
}

function writeFiles(plan: OnboardPlan, text: string, paths: Paths, replacing: boolean): string[] {
  const lines: string[] = [];
  ensurePrivateDir(paths.stateDir);
  fs.mkdirSync(path.dirname(paths.configPath), { recursive: true, mode: 0o700 });
  if (replacing) {
    const backup = `${paths.configPath}.bak-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    fs.copyFileSync(paths.configPath, backup, fs.constants.COPYFILE_EXCL);
    // The old file may hold secrets; the copy is private whatever the original's mode.
    fs.chmodSync(backup, 0o600);
    lines.push(`kept the previous config as ${backup}`);
  }
  const envKeys = Object.keys(plan.env);
  if (envKeys.length > 0) {
    mergeEnvFile(paths.envPath, plan.env);
    lines.push(`wrote ${envKeys.join(', ')} to ${paths.envPath} (mode 0600)`);
  }
  if (plan.token) {
    writeSecretFileAtomic(paths.tokenPath, `${plan.token}\n`);
    lines.push(
      `${plan.generatedToken ? 'generated a token and ' : ''}stored it in ${paths.tokenPath} (mode 0600) for nestclaw commands on this host`,
    );
  }
  // Last, so a failure above never leaves a config that points at secrets that were not written.
  writeSecretFileAtomic(paths.configPath, text);
  lines.push(`wrote ${paths.configPath} (mode 0600)`);
  return lines;
}

function nextSteps(plan: OnboardPlan, paths: Paths): string[] {
  const gateway = plan.config.gateway as { mode: string };
  if (gateway.mode === 'remote') {
    return ['next:', '  nestclaw gateway probe      # is the gateway reachable from here?', '  nestclaw status --deep'];
  }
  const lines = ['next:'];
  if (Object.keys(plan.env).length > 0) {
    lines.push(
      `  The gateway takes its secrets from the environment. The systemd unit loads ${paths.envPath} for you;`,
      `  in a terminal, load it first: set -a; . ${paths.envPath}; set +a`,
    );
  }
  lines.push(
    '  nestclaw gateway run                 # in the foreground, or as a service:',
    '  nestclaw gateway install             # then the systemctl command it prints',
    '  nestclaw status --deep               # check it answers',
  );
  const tailscale = (plan.config.gateway as { tailscale?: { mode: string } }).tailscale;
  if (tailscale) {
    lines.push(
      `  Tailscale ${tailscale.mode}: needs \`tailscale up\`, MagicDNS and HTTPS certificates on the tailnet, and, for a gateway`,
      '  that does not run as root, `sudo tailscale set --operator=<its user>` once; the start-up lines show the https:// URL',
    );
  }
  if (plan.config.channels) {
    lines.push(
      '  message your bot on Telegram; with dmPolicy "pairing" it answers with a code: nestclaw pairing approve telegram <code>',
    );
  }
  return lines;
}

function trimEnd(lines: string[]): string[] {
  const copy = [...lines];
  while (copy.length && copy[copy.length - 1].trim() === '') copy.pop();
  return copy;
}

function fail(message: string, code: number): void {
  process.stderr.write(`nestclaw: ${message}\n`);
  process.exitCode = code;
}
