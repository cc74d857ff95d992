import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { argsPatternProblem } from './args-pattern';
import { hasGlob, MAX_PATH_PATTERN_LENGTH } from './path-glob';
import type { ExecAllowlistEntry, ExecApprovalsAgent, ExecApprovalsDefaults, ExecApprovalsFile } from '../protocol/exec-approval';

export type { ExecAllowlistEntry, ExecApprovalsAgent, ExecApprovalsDefaults, ExecApprovalsFile };

/**
 * The exec-approvals file, in the reference gateway's schema so its files
 * and clients interoperate (docs/node-host.md, "The approvals file"):
 *
 *   {version: 1, defaults?: {...}, agents?: {<agentId | "*">: {allowlist?: [{pattern, ...}]}}}
 *
 * Entries carry the reference's fields plus nestclaw's additive `args`
 * (argument patterns), `env` (extra variable names) and `note`. Files in
 * the earlier `{version: 1, allow: [{command, args?, env?, note?}]}` form
 * are read as the new form, every entry kept.
 */
export const EXEC_APPROVALS_VERSION = 1;
/** Where migrated and remotely added entries go: the reference's "every agent" key. */
export const ALL_AGENTS = '*';
/** A file larger than this is refused unread into memory: nobody writes that many approvals by hand. */
export const MAX_APPROVALS_FILE_BYTES = 1024 * 1024;
export const MAX_AGENTS = 64;
/** Over all agents of one file: each system.run matches the program against every entry. */
export const MAX_ALLOWLIST_ENTRIES = 1_024;
const MAX_TEXT_LENGTH = 4_096;
const MAX_ENV_NAMES = 64;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const AGENT_ID = /^(\*|[A-Za-z0-9][A-Za-z0-9_.-]{0,63})$/;

export const EXEC_APPROVALS_EXAMPLE =
  '{"version":1,"agents":{"*":{"allowlist":[{"pattern":"/usr/bin/uptime"},{"pattern":"git","args":["status","**"]}]}}}';

export type ParsedApprovals = { ok: true; file: ExecApprovalsFile; legacy: boolean } | { ok: false; problem: string };

const ENTRY_KEYS = [
  'id',
  'pattern',
  'source',
  'commandText',
  'argPattern',
  'lastUsedAt',
  'lastUsedCommand',
  'lastResolvedPath',
  'args',
  'env',
  'note',
];
const POLICY_KEYS = ['security', 'ask', 'askFallback', 'autoAllowSkills'];
const SECURITY = ['deny', 'allowlist', 'full'];
const ASK = ['off', 'on-miss', 'always'];

/** Parses the file's text: the reference schema, or the earlier `allow` list migrated into it. */
export function parseExecApprovalsText(text: string): ParsedApprovals {
  if (Buffer.byteLength(text) > MAX_APPROVALS_FILE_BYTES)
    return { ok: false, problem: `it is larger than ${MAX_APPROVALS_FILE_BYTES} bytes` };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, problem: `it is not valid JSON (${(error as Error).message})` };
  }
  return parseExecApprovalsValue(value);
}

/** Validates a file given as a value (from JSON or from the wire). */
export function parseExecApprovalsValue(value: unknown): ParsedApprovals {
  if (!isRecord(value)) return { ok: false, problem: 'it must hold a JSON object' };
  if (value.version !== EXEC_APPROVALS_VERSION) {
    return { ok: false, problem: `"version" must be ${EXEC_APPROVALS_VERSION} (got ${JSON.stringify(value.version)})` };
  }
  if ('allow' in value) return migrateLegacy(value);
  const extra = Object.keys(value).find((key) => !['version', 'socket', 'defaults', 'agents'].includes(key));
  if (extra !== undefined)
    return { ok: false, problem: `unknown key ${JSON.stringify(extra)} (accepted: version, socket, defaults, agents)` };
  const file: ExecApprovalsFile = { version: 1 };
  if (value.socket !== undefined) {
    const socket = value.socket;
    if (!isRecord(socket) || Object.keys(socket).some((key) => key !== 'path' && key !== 'token'))
      return { ok: false, problem: '"socket" must be an object with "path" and "token" strings' };
    if ([socket.path, socket.token].some((item) => item !== undefined && !isText(item)))
      return { ok: false, problem: '"socket.path" and "socket.token" must be strings' };
    file.socket = { ...(socket as { path?: string; token?: string }) };
  }
  if (value.defaults !== undefined) {
    const defaults = policyFields(value.defaults, 'defaults', []);
    if (typeof defaults === 'string') return { ok: false, problem: defaults };
    file.defaults = defaults;
  }
  if (value.agents !== undefined) {
    if (!isRecord(value.agents)) return { ok: false, problem: '"agents" must be an object keyed by agent id or "*"' };
    const ids = Object.keys(value.agents);
    if (ids.length > MAX_AGENTS) return { ok: false, problem: `"agents" has ${ids.length} keys; at most ${MAX_AGENTS}` };
    const agents: Record<string, ExecApprovalsAgent> = {};
    for (const id of ids) {
      if (!AGENT_ID.test(id)) return { ok: false, problem: `agents key ${JSON.stringify(id)} must be "*" or an agent id` };
      const agent = parseAgent(value.agents[id], `agents[${JSON.stringify(id)}]`);
      if (typeof agent === 'string') return { ok: false, problem: agent };
      agents[id] = agent;
    }
    file.agents = agents;
  }
  return withinBounds(file, false);
}

/**
 * The caps on the whole file, whatever sent it (a hand edit, exec.approvals.set,
 * a node's answer): every system.run walks every entry, and a file accepted
 * here must still be readable from disk afterwards, or one edit would allow nothing.
 */
function withinBounds(file: ExecApprovalsFile, legacy: boolean): ParsedApprovals {
  const entries = allowlistEntries(file).length;
  if (entries > MAX_ALLOWLIST_ENTRIES)
    return {
      ok: false,
      problem: `it holds ${entries} allowlist entries over all agents; at most ${MAX_ALLOWLIST_ENTRIES} (merge entries with a path glob or "args" patterns)`,
    };
  const bytes = Buffer.byteLength(serializeExecApprovals(file));
  if (bytes > MAX_APPROVALS_FILE_BYTES)
    return {
      ok: false,
      problem: `it would take ${bytes} bytes on disk; at most ${MAX_APPROVALS_FILE_BYTES} (drop notes or entries)`,
    };
  return { ok: true, file, legacy };
}

function migrateLegacy(value: Record<string, unknown>): ParsedApprovals {
  const extra = Object.keys(value).find((key) => key !== 'version' && key !== 'allow');
  if (extra !== undefined) return { ok: false, problem: `unknown key ${JSON.stringify(extra)} beside "allow"` };
  if (!Array.isArray(value.allow)) return { ok: false, problem: '"allow" must be an array of {"command": ...} entries' };
  if (value.allow.length > MAX_ALLOWLIST_ENTRIES)
    return { ok: false, problem: `"allow" has ${value.allow.length} entries; at most ${MAX_ALLOWLIST_ENTRIES}` };
  const allowlist: ExecAllowlistEntry[] = [];
  for (const [index, item] of value.allow.entries()) {
    if (!isRecord(item)) return { ok: false, problem: `allow[${index}] must be an object like {"command": "/usr/bin/uptime"}` };
    const unknown = Object.keys(item).find((key) => !['command', 'args', 'env', 'note'].includes(key));
    if (unknown !== undefined)
      return {
        ok: false,
        problem: `allow[${index}]: unknown key ${JSON.stringify(unknown)} (accepted: command, args, env, note)`,
      };
    const { command, ...rest } = item;
    const entry = parseEntry({ pattern: command, ...rest }, `allow[${index}]`, '"command"');
    if (typeof entry === 'string') return { ok: false, problem: entry };
    allowlist.push(entry);
  }
  return withinBounds({ version: 1, agents: { [ALL_AGENTS]: { allowlist } } }, true);
}

function parseAgent(value: unknown, where: string): ExecApprovalsAgent | string {
  const agent = policyFields(value, where, ['allowlist', 'mcpTools']);
  if (typeof agent === 'string') return agent;
  const record = value as Record<string, unknown>;
  if (record.allowlist !== undefined) {
    if (!Array.isArray(record.allowlist)) return `${where}.allowlist must be an array of {"pattern": ...} entries`;
    if (record.allowlist.length > MAX_ALLOWLIST_ENTRIES)
      return `${where}.allowlist has ${record.allowlist.length} entries; at most ${MAX_ALLOWLIST_ENTRIES}`;
    const allowlist: ExecAllowlistEntry[] = [];
    for (const [index, item] of record.allowlist.entries()) {
      const entry = parseEntry(item, `${where}.allowlist[${index}]`, '"pattern"');
      if (typeof entry === 'string') return entry;
      allowlist.push(entry);
    }
    agent.allowlist = allowlist;
  }
  if (record.mcpTools !== undefined) {
    if (!Array.isArray(record.mcpTools) || record.mcpTools.length > MAX_ALLOWLIST_ENTRIES)
      return `${where}.mcpTools must be an array of at most ${MAX_ALLOWLIST_ENTRIES} grants`;
    agent.mcpTools = structuredClone(record.mcpTools);
  }
  return agent;
}

function policyFields(value: unknown, where: string, moreKeys: string[]): ExecApprovalsAgent | string {
  if (!isRecord(value)) return `${where} must be an object`;
  const unknown = Object.keys(value).find((key) => !POLICY_KEYS.includes(key) && !moreKeys.includes(key));
  if (unknown !== undefined)
    return `${where}: unknown key ${JSON.stringify(unknown)} (accepted: ${[...POLICY_KEYS, ...moreKeys].join(', ')})`;
  const out: ExecApprovalsAgent = {};
  for (const [key, allowed] of [
    ['security', SECURITY],
    ['askFallback', SECURITY],
    ['ask', ASK],
  ] as const) {
    const item = value[key];
    if (item === undefined) continue;
    if (typeof item !== 'string' || !(allowed as readonly string[]).includes(item))
      return `${where}.${key} must be one of ${allowed.join(', ')}`;
    (out as Record<string, unknown>)[key] = item;
  }
  if (value.autoAllowSkills !== undefined) {
    if (typeof value.autoAllowSkills !== 'boolean') return `${where}.autoAllowSkills must be true or false`;
    out.autoAllowSkills = value.autoAllowSkills;
  }
  return out;
}

function parseEntry(value: unknown, where: string, patternName: string): ExecAllowlistEntry | string {
  if (!isRecord(value)) return `${where} must be an object like {"pattern": "/usr/bin/uptime"}`;
  // Unknown keys are refused so nobody believes a misspelt restriction ("argv") restricts anything.
  const unknown = Object.keys(value).find((key) => !ENTRY_KEYS.includes(key));
  if (unknown !== undefined) return `${where}: unknown key ${JSON.stringify(unknown)} (accepted: ${ENTRY_KEYS.join(', ')})`;
  const problem = patternProblem(value.pattern);
  if (problem) return `${where}: ${patternName} ${problem}`;
  const entry: ExecAllowlistEntry = { pattern: value.pattern as string };
  for (const key of ['id', 'commandText', 'argPattern', 'lastUsedCommand', 'lastResolvedPath', 'note'] as const) {
    const item = value[key];
    if (item === undefined) continue;
    if (!isText(item)) return `${where}.${key} must be a string of at most ${MAX_TEXT_LENGTH} characters`;
    entry[key] = item;
  }
  if (value.source !== undefined) {
    if (value.source !== 'allow-always') return `${where}.source must be "allow-always"`;
    entry.source = 'allow-always';
  }
  if (value.lastUsedAt !== undefined) {
    if (typeof value.lastUsedAt !== 'number' || !Number.isFinite(value.lastUsedAt) || value.lastUsedAt < 0)
      return `${where}.lastUsedAt must be a time in milliseconds`;
    entry.lastUsedAt = value.lastUsedAt;
  }
  if (value.args !== undefined) {
    const argsProblem = argsPatternProblem(value.args);
    if (argsProblem) return `${where}.args ${argsProblem} (e.g. ["status", "**"])`;
    entry.args = [...(value.args as string[])];
  }
  if (value.env !== undefined) {
    const env = value.env;
    if (!Array.isArray(env) || env.length > MAX_ENV_NAMES)
      return `${where}.env must be an array of at most ${MAX_ENV_NAMES} variable names`;
    const bad = env.find((name) => typeof name !== 'string' || !ENV_NAME.test(name));
    if (bad !== undefined) return `${where}.env holds ${JSON.stringify(bad)}, which is not a variable name (letters, digits, _)`;
    entry.env = [...(env as string[])];
  }
  return entry;
}

/** What is wrong with an allowlist pattern, or undefined when it is usable. */
export function patternProblem(pattern: unknown): string | undefined {
  if (typeof pattern !== 'string' || pattern.trim() === '') return 'must be a non-empty string';
  if (pattern.length > MAX_PATH_PATTERN_LENGTH) return `must be at most ${MAX_PATH_PATTERN_LENGTH} characters`;
  if (pattern.includes('\0')) return 'must not contain a NUL byte';
  if (pattern === '*') return undefined;
  if (!pattern.includes('/')) {
    if (pattern === '.' || pattern === '..') return `${JSON.stringify(pattern)} is not a program`;
    if (hasGlob(pattern))
      return `${JSON.stringify(pattern)}: a bare name is looked up on PATH and cannot hold * or ?; write a path pattern such as "/usr/bin/${pattern}"`;
    return undefined;
  }
  if (!path.isAbsolute(pattern) && !pattern.startsWith('~/'))
    return `must be an absolute path, a ~/ path or a bare name looked up on PATH (got ${JSON.stringify(pattern)})`;
  return undefined;
}

/** The same file as the wire shows it: the socket token, a local secret, is left out. */
export function redactExecApprovals(file: ExecApprovalsFile): ExecApprovalsFile {
  if (!file.socket?.token) return file;
  const { token: _token, ...socket } = file.socket;
  return { ...file, socket };
}

/** sha256 of the exact text on disk (of "" when there is none): what `baseHash` is compared with. */
export function approvalsHash(raw: string | undefined): string {
  return createHash('sha256')
    .update(raw ?? '')
    .digest('hex');
}

export function serializeExecApprovals(file: ExecApprovalsFile): string {
  return `${JSON.stringify(file, null, 2)}\n`;
}

/** Every allowlist entry with the agent key it sits under. */
export function allowlistEntries(file: ExecApprovalsFile): Array<{ agent: string; entry: ExecAllowlistEntry }> {
  return Object.entries(file.agents ?? {}).flatMap(([agent, value]) =>
    (value.allowlist ?? []).map((entry) => ({ agent, entry })),
  );
}

/** A copy with one more entry under `agent` (default "*"); unchanged when an entry of the same scope is there. */
export function withAllowlistEntry(
  file: ExecApprovalsFile,
  entry: ExecAllowlistEntry,
  agent: string = ALL_AGENTS,
): { file: ExecApprovalsFile; added: boolean } {
  const current = file.agents?.[agent]?.allowlist ?? [];
  if (current.some((existing) => sameScope(existing, entry))) return { file, added: false };
  const agents = { ...(file.agents ?? {}) };
  agents[agent] = { ...(agents[agent] ?? {}), allowlist: [...current, entry] };
  return { file: { ...file, agents }, added: true };
}

/** A copy without the entries whose pattern is `pattern` (under every agent); how many went. */
export function withoutAllowlistPattern(file: ExecApprovalsFile, pattern: string): { file: ExecApprovalsFile; removed: number } {
  let removed = 0;
  const agents: Record<string, ExecApprovalsAgent> = {};
  for (const [id, agent] of Object.entries(file.agents ?? {})) {
    const kept = (agent.allowlist ?? []).filter((entry) => entry.pattern !== pattern);
    removed += (agent.allowlist ?? []).length - kept.length;
    agents[id] = agent.allowlist === undefined ? agent : { ...agent, allowlist: kept };
  }
  return { file: { ...file, ...(file.agents ? { agents } : {}) }, removed };
}

/** Same program, same argument patterns, same extra variables: adding it again widens nothing. */
function sameScope(a: ExecAllowlistEntry, b: ExecAllowlistEntry): boolean {
  return (
    a.pattern === b.pattern &&
    a.argPattern === b.argPattern &&
    JSON.stringify(a.args) === JSON.stringify(b.args) &&
    JSON.stringify(a.env) === JSON.stringify(b.env)
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_TEXT_LENGTH && !value.includes('\0');
}
