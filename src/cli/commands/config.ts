import JSON5 from 'json5';
import type { ConfigGetResult, ConfigWriteResult, MethodResult } from '../../common/protocol';
import { UsageError } from '../exit-codes';
import { reportFailure, runGatewayCommand } from '../run-gateway-command';
import { table } from '../output';
import type { TargetOptions } from './target-options';

type WriteOptions = TargetOptions & { restart?: boolean };

const KEY = /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*$/;

export async function get(key: string | undefined, options: TargetOptions): Promise<void> {
  const path = checkedUsage(options, () => (key === undefined ? undefined : checkedKey(key)));
  if (path === null) return;
  return runGatewayCommand<ConfigGetResult | { key: string; value: unknown; effective: unknown }>(options, {
    call: async (client) => {
      const got = await client.call('config.get', {});
      if (path === undefined) return got;
      return { key: path, value: valueAt(got.config, path), effective: valueAt(got.effective, path) };
    },
    render: (result) => ('hash' in result ? renderConfig(result) : renderKey(result)),
  });
}

export async function set(key: string, value: string, options: WriteOptions): Promise<void> {
  const patchValue = checkedUsage(options, () => patchFor(checkedKey(key), parseValue(value)));
  if (patchValue !== null) await write(patchValue, options);
}

export async function patch(text: string, options: WriteOptions): Promise<void> {
  const patchValue = checkedUsage(options, () => parsePatch(text));
  if (patchValue !== null) await write(patchValue, options);
}

export async function schema(key: string | undefined, options: TargetOptions): Promise<void> {
  const path = checkedUsage(options, () => (key === undefined ? undefined : checkedKey(key)));
  if (path === null) return;
  return runGatewayCommand<MethodResult<'config.schema'>['schema']>(
    { ...options, json: true },
    {
      call: async (client) => {
        const { schema: full } = await client.call('config.schema', {});
        if (path === undefined) return full;
        type Node = { properties?: Record<string, Node> } | undefined;
        const node = path.split('.').reduce<Node>((s, part) => s?.properties?.[part], full as Node);
        if (node === undefined) throw new UsageError(`no config key ${path}; run \`nestclaw config schema\` for the list`);
        return node;
      },
      render: () => [],
    },
  );
}

function write(patchValue: Record<string, unknown>, options: WriteOptions): Promise<void> {
  return runGatewayCommand<ConfigWriteResult>(options, {
    // The hash makes the gateway refuse the patch if someone else changed the file in between.
    call: async (client) => {
      const { hash } = await client.call('config.get', {});
      return client.call('config.patch', { patch: patchValue, baseHash: hash, ...(options.restart ? { restart: true } : {}) });
    },
    render: renderWrite,
  });
}

function renderWrite(result: ConfigWriteResult): string[] {
  if (result.changed.length === 0) return ['nothing changed'];
  const live = new Set(result.applied);
  const lines = result.changed.map((path) => `  ${path}: ${live.has(path) ? 'in effect now' : 'waits for a restart'}`);
  lines.unshift(
    `changed ${result.changed.length} key(s) in ${result.path}${result.backup ? ' (previous file kept as .bak)' : ''}`,
  );
  if (result.restarting) lines.push('the gateway is restarting in place; clients and nodes reconnect by themselves');
  else if (result.restartRequired.length > 0) {
    lines.push(
      `restart required for: ${result.restartRequired.join(', ')}; run again with --restart, or \`nestclaw gateway restart\``,
    );
  }
  return lines;
}

function renderConfig(result: ConfigGetResult): string[] {
  const lines = table([
    ['file', `${result.path}${result.exists ? '' : ' (not created yet; defaults in use)'}`],
    ['hash', result.hash],
    ['valid', result.valid ? 'yes' : `NO: ${result.issues.join('; ')}`],
  ]);
  if (result.restartRequired.length > 0) lines.push(`restart required for: ${result.restartRequired.join(', ')}`);
  lines.push('', ...JSON.stringify(result.config, null, 2).split('\n'));
  return lines;
}

function renderKey(result: { key: string; value: unknown; effective: unknown }): string[] {
  if (result.value !== undefined) return [JSON.stringify(result.value, null, 2)];
  return [`${JSON.stringify(result.effective, null, 2) ?? 'unset'}  (not in the file: default, environment or flag)`];
}

/** Runs a check of the command line; a UsageError is reported (exit 3) before any connection, and null returned. */
function checkedUsage<T>(options: TargetOptions, check: () => T): T | null {
  try {
    return check();
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    reportFailure(error, undefined, options.json);
    return null;
  }
}

function parsePatch(text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON5.parse(text);
  } catch (error) {
    throw new UsageError(
      `the patch is not valid JSON5 (${error instanceof Error ? error.message : 'unreadable'}); quote it for the shell`,
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UsageError('the patch must be an object, e.g. \'{ channels: { telegram: { dmPolicy: "open" } } }\'');
  }
  return parsed as Record<string, unknown>;
}

function checkedKey(key: string): string {
  if (!KEY.test(key)) throw new UsageError(`"${key}" is not a config key; write it dotted, e.g. channels.telegram.dmPolicy`);
  return key;
}

function parseValue(text: string): unknown {
  try {
    return JSON5.parse(text);
  } catch {
    return text;
  }
}

function patchFor(path: string, value: unknown): Record<string, unknown> {
  return path
    .split('.')
    .reverse()
    .reduce<unknown>((inner, part) => ({ [part]: inner }), value) as Record<string, unknown>;
}

function valueAt(root: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>(
      (node, part) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined),
      root,
    );
}
