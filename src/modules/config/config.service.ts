import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import JSON5 from 'json5';
import * as os from 'node:os';
import {
  applyMergePatch,
  changedConfigPaths,
  ConfigError,
  environmentSecretPaths,
  hashConfigText,
  redactSecrets,
  ResolvedConfig,
  restoreRedacted,
  REDACTED,
} from '../../common/config';
import { configJsonSchema } from '../../common/config/config-json-schema';
import { Clock } from '../../common/clock';
import { resolveBindHosts } from '../../common/net';
import type { ConfigChangedEvent, ConfigGetResult, ConfigSchemaResult, ConfigWriteResult } from '../../common/protocol';
import { GatewayEvent } from '../../common/protocol';
import { NESTCLAW_VERSION } from '../../common/version';
import { startupRefusal } from '../../startup-checks';
import { GatewayAuthSettings } from '../auth/gateway-auth-settings';
import { Broadcaster } from '../gateway/broadcaster';
import { gatewaySecrets } from '../logs/log-secrets';
import { LogsService } from '../logs/logs.service';
import { ConfigFileRepository } from './config-file.repository';
import { ConfigErrors } from './config.errors';
import { GatewayLifecycle } from './gateway-lifecycle';
import { GatewayRuntime } from './gateway-runtime';
import { planReload } from './reload-plan';

/** Long enough for the answer to leave before the sockets close. */
const DEFAULT_RESTART_DELAY_MS = 250;
/** What the shutdown event promises; the node host and the CLI reconnect with backoff either way. */
const RESTART_EXPECTED_MS = 2_000;

type Json = Record<string, unknown>;

interface WriteOptions {
  baseHash?: string;
  restart?: boolean;
  restartDelayMs?: number;
}

/**
 * The effective config over the wire and hot reload: every edit, from a
 * client or on disk, is validated by the same loadConfig start-up uses, the
 * live part is swapped into GatewayRuntime (its listeners re-apply what they
 * built from it), and the rest waits for a restart, which a client may ask for.
 */
@Injectable()
export class ConfigService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Config');
  /** The file content the process started with: restart-only keys are compared against it. */
  private startedFile: Json = {};
  /** The file content the runtime config was resolved from (restart-only keys kept as started). */
  private runningFile: Json = {};
  /** The last file content applied or written, as it is on disk. */
  private appliedFile: Json = {};
  /** Hash of the last file text this service applied or wrote; a watcher event for it is our own write. */
  private appliedHash = '';
  private refusedEdit?: { hash: string; issues: string[] };
  private queue: Promise<unknown> = Promise.resolve();
  private stopWatching?: () => void;

  constructor(
    private readonly runtime: GatewayRuntime,
    private readonly lifecycle: GatewayLifecycle,
    private readonly files: ConfigFileRepository,
    private readonly broadcaster: Broadcaster,
    private readonly logs: LogsService,
    private readonly auth: GatewayAuthSettings,
    private readonly clock: Clock,
  ) {}

  private get path(): string {
    return this.runtime.config.configPath;
  }

  onApplicationBootstrap(): void {
    this.startedFile = plain(this.runtime.config.file);
    this.runningFile = this.startedFile;
    this.appliedFile = this.startedFile;
    this.appliedHash = hashConfigText(this.readDisk());
    this.stopWatching = this.files.watch(this.path, () => {
      this.serialized(() => this.onDiskEdit()).catch((error: unknown) =>
        this.logger.error(`reading the edited config file failed: ${describe(error)}`),
      );
    });
  }

  onModuleDestroy(): void {
    this.stopWatching?.();
  }

  get(): ConfigGetResult {
    const text = this.readDisk();
    const hash = hashConfigText(text);
    let file = this.appliedFile;
    let issues: string[] = [];
    try {
      if (hash !== this.appliedHash) file = plain(this.lifecycle.source.resolve(text).file);
    } catch (error) {
      issues = problemsOf(error);
    }
    const { file: _file, ...effective } = this.runtime.config;
    return {
      path: this.path,
      exists: text !== undefined,
      hash,
      valid: issues.length === 0,
      issues,
      config: redactSecrets(file),
      effective: redactSecrets(plain(effective)),
      restartRequired: this.pendingRestart(file),
    };
  }

  schema(): ConfigSchemaResult {
    return { schema: configJsonSchema() as Record<string, unknown>, version: NESTCLAW_VERSION };
  }

  set(raw: string, options: WriteOptions): Promise<ConfigWriteResult> {
    return this.serialized(() => {
      const onDisk = this.checkBase(options.baseHash);
      const parsed = parseJson5(raw);
      // A placeholder from config.get means "keep what is stored"; then the text must be rewritten.
      const restored = restoreRedacted(parsed, onDisk.file ?? {});
      const text = JSON.stringify(restored) === JSON.stringify(parsed) && !raw.includes(REDACTED) ? raw : serialize(restored);
      return this.write(text, options);
    });
  }

  patch(patch: unknown, options: WriteOptions): Promise<ConfigWriteResult> {
    return this.serialized(() => {
      const onDisk = this.checkBase(options.baseHash);
      if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) throw ConfigErrors.patchNotObject();
      if (onDisk.issues) throw ConfigErrors.fileInvalid(onDisk.issues);
      const base = onDisk.file ?? {};
      const merged = restoreRedacted(applyMergePatch(base, patch), base);
      return this.write(serialize(merged), options);
    });
  }

  parsePatchText(raw: string): unknown {
    return parseJson5(raw);
  }

  /** Runs edits one at a time: each checks its baseHash against the file the previous one wrote. */
  private serialized<T>(task: () => T | Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private readDisk(): string | undefined {
    return this.files.read(this.path);
  }

  private checkBase(baseHash: string | undefined): { file?: Json; issues?: string[] } {
    const text = this.readDisk();
    if (text !== undefined && baseHash === undefined) throw ConfigErrors.baseHashRequired();
    const hash = hashConfigText(text);
    if (baseHash !== undefined && baseHash !== hash) throw ConfigErrors.staleBaseHash();
    // The file this service last applied needs no second validation.
    if (hash === this.appliedHash) return { file: this.appliedFile };
    try {
      return { file: plain(this.lifecycle.source.resolve(text).file) };
    } catch (error) {
      return { issues: problemsOf(error) };
    }
  }

  private async write(text: string, options: WriteOptions): Promise<ConfigWriteResult> {
    const next = this.validate(text);
    this.redactFromNowOn(next);
    const leaks = environmentSecretPaths(plain(next.file), this.lifecycle.source.environmentSecrets);
    if (leaks.length > 0) throw ConfigErrors.environmentSecret(leaks);
    const nextFile = plain(next.file);
    const pending = this.pendingRestart(nextFile);
    const restarting = Boolean(options.restart) && pending.length > 0;
    if (restarting) {
      if (!this.lifecycle.canRestart) throw ConfigErrors.restartUnavailable();
      this.refuseUnstartable(next);
    }
    const { backupPath } = this.files.write(this.path, text);
    const hash = hashConfigText(text);
    this.appliedHash = hash;
    this.refusedEdit = undefined;
    const { changed, applied } = await this.applyLive(nextFile, next);
    this.logger.log(`config changed by a client: ${changed.join(', ') || 'nothing'}${restarting ? '; restarting' : ''}`);
    this.announce({ source: 'rpc', hash, changed, applied, restartRequired: pending, restarting });
    if (restarting) this.restart(next, options.restartDelayMs ?? DEFAULT_RESTART_DELAY_MS);
    return {
      ok: true,
      path: this.path,
      hash,
      changed,
      applied,
      restartRequired: pending,
      restarting,
      backup: Boolean(backupPath),
    };
  }

  private async onDiskEdit(): Promise<void> {
    const text = this.readDisk();
    const hash = hashConfigText(text);
    if (hash === this.appliedHash || hash === this.refusedEdit?.hash) return;
    let next: ResolvedConfig;
    try {
      next = this.lifecycle.source.resolve(text);
    } catch (error) {
      const issues = problemsOf(error);
      this.refusedEdit = { hash, issues };
      this.logger.warn(`config file edit refused, the running config stays: ${issues.join('; ')}`);
      this.announce({
        source: 'file',
        refused: true,
        issues,
        hash,
        changed: [],
        applied: [],
        restartRequired: [],
        restarting: false,
      });
      return;
    }
    this.redactFromNowOn(next);
    this.appliedHash = hash;
    this.refusedEdit = undefined;
    const nextFile = plain(next.file);
    const { changed, applied } = await this.applyLive(nextFile, next);
    const pending = this.pendingRestart(nextFile);
    this.logger.log(`config file edited: ${changed.join(', ') || 'nothing changed'}`);
    this.announce({ source: 'file', hash, changed, applied, restartRequired: pending, restarting: false });
  }

  /** Before the new config is applied or logged about: a channel reconnecting with a new token must not log it. */
  private redactFromNowOn(next: ResolvedConfig): void {
    this.logs.setSecrets(gatewaySecrets(next, this.auth.secret));
  }

  private validate(text: string): ResolvedConfig {
    try {
      return this.lifecycle.source.resolve(text);
    } catch (error) {
      throw ConfigErrors.invalid(problemsOf(error));
    }
  }

  /** A restart must not end in a refused start: the checks start-up makes are made now, while the old config still runs. */
  private refuseUnstartable(next: ResolvedConfig): void {
    const bind = resolveBindHosts(next.gateway.bind, next.gateway.customBindHost, os.networkInterfaces());
    const refusal = startupRefusal(next, bind);
    if (refusal) throw ConfigErrors.invalid([refusal]);
  }

  /**
   * Swaps in the new file with restart-only keys held at their started
   * values, so the runtime never claims a port or a TLS setting it does not
   * serve yet.
   */
  private async applyLive(nextFile: Json, next: ResolvedConfig): Promise<{ changed: string[]; applied: string[] }> {
    const changed = changedConfigPaths(this.appliedFile, nextFile);
    this.appliedFile = nextFile;
    const running = holdRestartKeys(nextFile, this.startedFile);
    const liveChanged = changedConfigPaths(this.runningFile, running);
    this.runningFile = running;
    if (liveChanged.length > 0) {
      const holdsRestartKeys = changedConfigPaths(nextFile, running).length > 0;
      const resolved = holdsRestartKeys ? this.lifecycle.source.resolve(JSON.stringify(running)) : next;
      const failures = await this.runtime.replaceConfig(resolved, liveChanged);
      for (const failure of failures) this.logger.error(`applying the new config failed in part: ${failure.message}`);
    }
    return { changed, applied: liveChanged };
  }

  private pendingRestart(file: Json): string[] {
    return planReload(changedConfigPaths(this.startedFile, file)).restart;
  }

  private restart(next: ResolvedConfig, delayMs: number): void {
    const notice = { reason: 'restarting to apply a config change', restartExpectedMs: RESTART_EXPECTED_MS };
    this.lifecycle
      .scheduleRestart(next, notice, delayMs)
      .catch((error: unknown) => this.logger.error(`restart in place failed: ${describe(error)}`));
  }

  private announce(event: Omit<ConfigChangedEvent, 'ts'>): void {
    this.broadcaster.broadcast(GatewayEvent.Config, { ...event, ts: this.clock.now() });
  }
}

/** The file object as plain JSON (class instances and frozen objects out). */
function plain<T>(value: T): Json {
  return JSON.parse(JSON.stringify(value ?? {})) as Json;
}

function serialize(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

function parseJson5(raw: string): unknown {
  try {
    return JSON5.parse(raw);
  } catch (error) {
    throw ConfigErrors.notJson5(error instanceof SyntaxError ? error.message.replace(/^JSON5: /, '') : 'unreadable');
  }
}

function problemsOf(error: unknown): string[] {
  if (error instanceof ConfigError) return [...error.problems];
  throw error;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** `next` with every restart-only key put back to its value in `started`. */
function holdRestartKeys(next: Json, started: Json): Json {
  let held: unknown = next;
  for (const path of planReload(changedConfigPaths(started, next)).restart) {
    held = setPath(held as Json, path.split('.'), getPath(started, path.split('.')));
  }
  return held as Json;
}

function getPath(value: unknown, keys: string[]): unknown {
  return keys.reduce<unknown>(
    (node, key) => (typeof node === 'object' && node !== null ? (node as Json)[key] : undefined),
    value,
  );
}

function setPath(target: Json, keys: string[], value: unknown): Json {
  const [key, ...rest] = keys;
  const out: Json = { ...target };
  if (rest.length === 0) {
    if (value === undefined) delete out[key];
    else out[key] = value;
    return out;
  }
  const child = typeof out[key] === 'object' && out[key] !== null ? (out[key] as Json) : {};
  out[key] = setPath(child, rest, value);
  return out;
}
