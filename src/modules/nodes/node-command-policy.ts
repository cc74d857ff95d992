import { Injectable } from '@nestjs/common';
import { GatewayRuntime } from '../config/gateway-runtime';
import type { CommandRefusal } from './nodes.types';

/** Headless hosts (`nestclaw node run`) lend a shell; they have no camera or screen to offer. */
const HEADLESS_HOST_COMMANDS = [
  'system.run',
  'system.which',
  'system.notify',
  // Reachable only through exec.approvals.node.* (NodesService.invoke refuses them).
  'system.execApprovals.get',
  'system.execApprovals.set',
] as const;
/** Phones and tablets lend sensors and their screen, never a shell. */
const MOBILE_COMMANDS = ['camera.snap', 'camera.list', 'location.get', 'screen.record', 'canvas.*', 'system.notify'] as const;

/**
 * Commands a node may run without any configuration, by the platform it
 * reports. The platform is the node's own claim, so this is a sensible
 * default, not a security boundary: `gateway.nodes.denyCommands` is.
 */
export const PLATFORM_DEFAULT_COMMANDS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  linux: HEADLESS_HOST_COMMANDS,
  darwin: HEADLESS_HOST_COMMANDS,
  macos: HEADLESS_HOST_COMMANDS,
  win32: HEADLESS_HOST_COMMANDS,
  windows: HEADLESS_HOST_COMMANDS,
  freebsd: HEADLESS_HOST_COMMANDS,
  openbsd: HEADLESS_HOST_COMMANDS,
  netbsd: HEADLESS_HOST_COMMANDS,
  ios: MOBILE_COMMANDS,
  ipados: MOBILE_COMMANDS,
  android: MOBILE_COMMANDS,
});

/** Families already worked out, by reported platform string; a cap, since the string is the node's to choose. */
const familyDefaults = new Map<string, readonly string[]>();
const MAX_REMEMBERED_PLATFORMS = 256;

/** The defaults for a reported platform ("iOS 17.4" and "ios" alike); an unknown platform gets none. */
export function platformDefaultCommands(platform: string | undefined): readonly string[] {
  const reported = platform ?? '';
  const known = familyDefaults.get(reported);
  if (known) return known;
  const family = reported
    .trim()
    .toLowerCase()
    .split(/[\s/_-]/)[0];
  const defaults = Object.hasOwn(PLATFORM_DEFAULT_COMMANDS, family) ? PLATFORM_DEFAULT_COMMANDS[family] : [];
  if (familyDefaults.size >= MAX_REMEMBERED_PLATFORMS) familyDefaults.clear();
  familyDefaults.set(reported, defaults);
  return defaults;
}

/** `*` matches everything, `prefix.*` every command under `prefix.`, anything else only itself. */
export function commandMatches(pattern: string, command: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) {
    const prefix = pattern.slice(0, -1);
    return command.length > prefix.length && command.startsWith(prefix);
  }
  return pattern === command;
}

export interface CommandCheck {
  platform: string | undefined;
  /** What the node declared in `connect.commands`; a set where many commands are checked against it. */
  declared: ReadonlySet<string> | readonly string[];
  allow: readonly string[];
  deny: readonly string[];
}

/**
 * Why a command may not run on a node, or undefined when it may. The
 * gateway's own policy is reported before what the node declared, so the
 * reason names the setting to change.
 */
export function commandRefusal(command: string, check: CommandCheck): CommandRefusal | undefined {
  if (anyMatches(check.deny, command)) return 'denied';
  if (!anyMatches(platformDefaultCommands(check.platform), command) && !anyMatches(check.allow, command))
    return 'not-allowlisted';
  const declared = check.declared instanceof Set ? check.declared.has(command) : (check.declared as string[]).includes(command);
  if (!declared) return 'not-declared';
  return undefined;
}

function anyMatches(patterns: readonly string[], command: string): boolean {
  for (const pattern of patterns) if (commandMatches(pattern, command)) return true;
  return false;
}

/** The allowlist with `gateway.nodes.allowCommands` / `.denyCommands` from the config. */
@Injectable()
export class NodeCommandPolicy {
  constructor(private readonly runtime: GatewayRuntime) {}

  // Read on every check, so a config.patch of gateway.nodes.* applies to the next invoke.
  private get allow(): readonly string[] {
    return this.runtime.config.gateway.nodes.allowCommands;
  }

  private get deny(): readonly string[] {
    return this.runtime.config.gateway.nodes.denyCommands;
  }

  refusal(command: string, node: Pick<CommandCheck, 'platform' | 'declared'>): CommandRefusal | undefined {
    return commandRefusal(command, { platform: node.platform, declared: node.declared, allow: this.allow, deny: this.deny });
  }

  /**
   * The declared commands that may run, in the node's order, without
   * duplicates. Linear in the declared list (one set, one pass): a node
   * declaring thousands of commands must not stall the event loop.
   */
  allowedCommands(platform: string | undefined, declared: readonly string[]): string[] {
    const unique = new Set(declared);
    return [...unique].filter((command) => this.refusal(command, { platform, declared: unique }) === undefined);
  }
}
