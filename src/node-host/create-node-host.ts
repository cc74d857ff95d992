import { randomUUID } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import { BrowserController, UrlPolicy } from '../common/browser';
import { BROWSER_DEFAULTS } from '../common/config/resolve-features';
import { browserProxyCommand } from './commands/browser-proxy';
import { GatewayClient } from '../common/client';
import { DeviceTokenStore, loadOrCreateDeviceIdentity } from '../common/identity';
import { NESTCLAW_VERSION } from '../common/version';
import { isDirectory, systemRunCommand } from './commands/system-run';
import { systemNotifyCommand } from './commands/system-notify';
import { systemWhichCommand } from './commands/system-which';
import { systemExecApprovalsGetCommand, systemExecApprovalsSetCommand } from './commands/system-exec-approvals';
import { ExecApprovalMethod, type ExecApprovalAnswer } from '../common/protocol/exec-approval';
import { exactArgsPattern } from '../common/exec/args-pattern';
import { appendExecApproval, execApprovalsPath, loadExecApprovals } from '../common/exec/exec-approvals-store';
import type { ExecPolicy } from './exec-policy';
import { execNotice } from './exec-fix';
import { runProcess } from '../common/exec/process-runner';
import { baseEnv } from '../common/exec/safe-env';
import { InvokeDispatcher } from './invoke-dispatcher';
import { NodeHost } from './node-host';

/** The protocol's standard id for a headless node host; reference gateways accept no other. */
export const NODE_CLIENT_ID = 'node-host';
export const NODE_ROLE = 'node';
export const NODE_CAPS = ['system'];
/** The approval call waits for people: its answer may come this long after the prompt expires (clock skew, a busy gateway). */
const APPROVAL_ANSWER_MARGIN_MS = 10_000;

export interface NodeHostConfig {
  url: string;
  token?: string;
  password?: string;
  credentialSource?: string;
  tlsFingerprint?: string;
  /** Holds the device identity, device tokens and exec-approvals.json. */
  stateDir: string;
  displayName?: string;
  execPolicy: ExecPolicy;
  /** False under --no-remote-policy: operators may read the allowlist but only this machine edits it. */
  remotePolicy?: boolean;
  /** `--browser`: serve browser.proxy with this node's Chromium (docs/browser.md). */
  browser?: { executablePath?: string; allowUrls: readonly string[] };
}

function nodeBrowser(stateDir: string, settings: NonNullable<NodeHostConfig['browser']>, gatewayUrl: string): BrowserController {
  return new BrowserController({
    executablePath: settings.executablePath,
    userDataDir: path.join(stateDir, 'browser', 'profile'),
    headless: true,
    policy: new UrlPolicy({ allowUrls: settings.allowUrls, denyUrls: [], protectedPort: tunnelledGatewayPort(gatewayUrl) }),
    actionTimeoutMs: BROWSER_DEFAULTS.actionTimeoutMs,
    idleTimeoutMs: BROWSER_DEFAULTS.idleTimeoutMs,
    snapshotMaxChars: BROWSER_DEFAULTS.snapshotMaxChars,
    log: () => undefined,
  });
}

/**
 * A node that reaches its gateway through a local port (an SSH tunnel,
 * `ws://127.0.0.1:18789`) has the gateway's socket on this machine: its
 * browser must never open that port, whatever --browser-allow-url says.
 */
export function tunnelledGatewayPort(gatewayUrl: string): number | undefined {
  try {
    const url = new URL(gatewayUrl);
    if (!/^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i.test(url.hostname)) return undefined;
    return Number(url.port) || (url.protocol === 'wss:' ? 443 : 80);
  } catch {
    return undefined;
  }
}

/** Builds a node host with the real client, identity, files and processes. */
export function createNodeHost(config: NodeHostConfig): NodeHost {
  const identity = loadOrCreateDeviceIdentity(config.stateDir);
  const deviceTokens = new DeviceTokenStore(config.stateDir);
  const env = baseEnv();
  const displayName = config.displayName ?? os.hostname();

  let host: NodeHost | undefined;
  let client: GatewayClient | undefined;
  const approvalsFile = execApprovalsPath(config.stateDir);
  const dispatcher = new InvokeDispatcher([
    systemRunCommand({
      policy: config.execPolicy,
      refusalContext: { nodeName: displayName, stateDir: config.stateDir },
      loadApprovals: () => loadExecApprovals(approvalsFile),
      ...(config.execPolicy === 'ask'
        ? {
            requestApproval: async (ask) => {
              if (!client) throw new Error('not connected');
              const answer = (await client.request(ExecApprovalMethod.Request, ask, {
                timeoutMs: ask.timeoutMs + APPROVAL_ANSWER_MARGIN_MS,
              })) as ExecApprovalAnswer;
              return answer;
            },
            recordApproval: (resolvedPath, args, decidedBy) =>
              appendExecApproval(approvalsFile, {
                pattern: resolvedPath,
                args: exactArgsPattern(args),
                note: `allowed always by ${decidedBy ?? 'an operator'} on ${new Date().toISOString()}`,
              }),
          }
        : {}),
      runProcess,
      baseEnv: env,
      defaultCwd: env.HOME ?? os.homedir(),
      isDirectory,
    }),
    systemWhichCommand({ pathEnv: env.PATH }),
    systemNotifyCommand((notification) => host?.report({ event: 'notify', ...notification })),
    systemExecApprovalsGetCommand({ file: approvalsFile, remoteEdits: config.remotePolicy !== false }),
    systemExecApprovalsSetCommand({ file: approvalsFile, remoteEdits: config.remotePolicy !== false }),
    ...(config.browser ? [browserProxyCommand(nodeBrowser(config.stateDir, config.browser, config.url))] : []),
  ]);

  client = new GatewayClient({
    url: config.url,
    // The client offers a device token this gateway issued before this secret,
    // and falls back to the secret when the gateway no longer knows the token.
    token: config.token,
    password: config.password,
    tlsFingerprint: config.tlsFingerprint,
    client: {
      id: NODE_CLIENT_ID,
      mode: 'node',
      platform: process.platform,
      version: NESTCLAW_VERSION,
      displayName,
      // Per process: tells the gateway a reconnect of this host from a second host sharing its identity.
      instanceId: randomUUID(),
    },
    role: NODE_ROLE,
    caps: NODE_CAPS,
    commands: dispatcher.names,
    // execEnv: whether callers may set any variable; otherwise only the safe list and what exec-approvals.json names.
    permissions: { exec: config.execPolicy !== 'deny', execEnv: config.execPolicy === 'full' },
    identity,
    deviceTokens,
  });

  host = new NodeHost(client, dispatcher, {
    url: config.url,
    credentialSource: config.credentialSource,
    nodeId: identity.deviceId,
    displayName,
    execPolicy: config.execPolicy,
    execNotice: () => {
      const state = loadExecApprovals(approvalsFile);
      return execNotice(
        config.execPolicy,
        {
          status: state.status,
          file: state.file,
          ...(state.status === 'invalid' ? { problem: state.problem } : {}),
          ...(state.status === 'ok' ? { entries: state.allow.length } : {}),
        },
        config.stateDir,
      );
    },
  });
  return host;
}
