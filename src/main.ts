import 'reflect-metadata';
import './nest-preload';
import { type INestApplication, Logger, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import * as net from 'node:net';
import * as os from 'node:os';
import { AppModule } from './app.module';
import { Clock } from './common/clock';
import { IdSource } from './common/ids';
import { configSourceFromProcess, type ConfigSource, type ResolvedConfig } from './common/config';
import { criticalFindings } from './common/audit';
import { resolveBindHosts } from './common/net';
import { ensureGatewayId, ensureGeneratedToken, ensurePrivateDir } from './common/state';
import { NESTCLAW_VERSION } from './common/version';
import { GatewayAuthSettings } from './modules/auth/gateway-auth-settings';
import { GatewayLifecycle } from './modules/config/gateway-lifecycle';
import { GatewayRuntime } from './modules/config/gateway-runtime';
import { colorsWanted, GatewayLogger } from './modules/logs/gateway-logger';
import { gatewaySecrets } from './modules/logs/log-secrets';
import { LogsService } from './modules/logs/logs.service';
import { GatewayTlsService } from './modules/gateway/tls/gateway-tls.service';
import { TlsRepository } from './modules/gateway/tls/tls.repository';
import { TailscaleExposure, TailscaleService } from './modules/tailscale/tailscale.service';
import { GatewayHttpAdapter } from './modules/gateway/http/gateway-http.adapter';
import { GatewayWsAdapter } from './modules/gateway/ws/gateway-ws.adapter';
import { servedHostPolicy } from './modules/gateway/ws/upgrade-policy';
import { startupRefusal } from './startup-checks';
import { StartupError } from './startup-error';

export { StartupError };

export interface StartGatewayOptions {
  config: ResolvedConfig;
  /** Overrides the configured port; tests pass 0 for a free one. */
  listenPort?: number;
  /** What reaches the console; `false` mutes it. The log ring and file follow gateway.logging.level either way. */
  logLevels?: LogLevel[] | false;
  /** Colour the console's level names; default: only when stdout is a terminal and NO_COLOR is unset. */
  logColors?: boolean;
  clock?: Clock;
  /** Request, run and call ids; tests pass a predictable source. */
  ids?: IdSource;
  /**
   * How a config edit (config.* methods, the file on disk) is resolved: the
   * environment and flags `config` was loaded with. Default: this process's.
   */
  configSource?: ConfigSource;
}

export interface RunningGateway {
  app: INestApplication;
  runtime: GatewayRuntime;
  port: number;
  hosts: readonly string[];
  /** ws:// URL on the first bind address; wss:// with TLS. */
  url: string;
  generatedToken?: { path: string; created: boolean };
  /** SHA-256 of the served certificate, 64 lowercase hex digits; set only with TLS. */
  tlsFingerprint?: string;
  /** Where the served certificate lives; set only with TLS. */
  tlsCertificate?: { path: string; generated: boolean; created: boolean };
  /** Tailscale Serve/Funnel as set up after listening; state "off" when gateway.tailscale.mode is "off". */
  tailscale: TailscaleExposure;
  /** Writes through the gateway's logger (redacted; console, ring and log file), for code outside Nest such as the CLI's last-resort handler. */
  log(level: 'error' | 'warn' | 'info', context: string, message: string): void;
  close(): Promise<void>;
}

/**
 * Starts the gateway; the returned object stays valid across restarts in
 * place (config.apply, `restart: true`): its fields are updated to the new
 * app, and close() closes whichever app is current.
 */
export async function startGateway(options: StartGatewayOptions): Promise<RunningGateway> {
  const source = options.configSource ?? configSourceFromProcess();
  let startedConfig = options.config;
  let restarting: Promise<void> | undefined;
  let current: RunningGateway;
  const running = {} as RunningGateway;
  const adopt = (instance: RunningGateway) => {
    current = instance;
    Object.assign(running, instance, { close: closeRunning });
  };
  async function closeRunning(): Promise<void> {
    await restarting?.catch(() => undefined);
    await current.close();
  }
  const restart = async (config: ResolvedConfig): Promise<void> => {
    await current.close();
    // Tests listen on port 0: come back on the port clients already know.
    const listenPort = options.listenPort === undefined ? undefined : current.port;
    try {
      adopt(await startInstance({ ...options, config, listenPort }, lifecycle()));
      startedConfig = config;
    } catch (error) {
      new Logger('Gateway').error(
        `restart with the new config failed (${error instanceof Error ? error.message : String(error)}); starting with the previous one`,
      );
      adopt(await startInstance({ ...options, config: startedConfig, listenPort }, lifecycle()));
    }
  };
  const lifecycle = () =>
    new GatewayLifecycle(source, (config) => {
      restarting = restart(config).finally(() => (restarting = undefined));
      return restarting;
    });
  adopt(await startInstance(options, lifecycle()));
  return running;
}

async function startInstance(options: StartGatewayOptions, lifecycle: GatewayLifecycle): Promise<RunningGateway> {
  const { config } = options;
  const gateway = config.gateway;
  const bind = resolveBindHosts(gateway.bind, gateway.customBindHost, os.networkInterfaces());
  const refusal = startupRefusal(config, bind);
  if (refusal || !bind.ok) throw new StartupError(refusal);

  ensurePrivateDir(config.stateDir);
  const generated = gateway.auth.mode === 'token' && !gateway.auth.token ? ensureGeneratedToken(config.stateDir) : undefined;
  const secret = gateway.auth.mode === 'token' ? (gateway.auth.token ?? generated!.token) : gateway.auth.password!;

  const hostName = os.hostname();
  const tls = await new GatewayTlsService(new TlsRepository()).load(gateway.tls, config.stateDir, { hostName, now: new Date() });

  const clock = options.clock ?? new Clock();
  // Before Nest exists, so its start-up lines are redacted and kept too.
  const logs = new LogsService({
    logging: gateway.logging,
    secrets: gatewaySecrets(config, secret),
    now: () => clock.now(),
    onFileError: (message) => new Logger('Logs').warn(message),
  });
  const runtime = new GatewayRuntime(config, bind.hosts, clock.now(), NESTCLAW_VERSION, hostName, tls?.fingerprintSha256);
  runtime.gatewayId = ensureGatewayId(config.stateDir);
  const app = await NestFactory.create(
    AppModule.forRoot({
      runtime,
      lifecycle,
      auth: new GatewayAuthSettings(gateway.auth.mode, secret, gateway.trustedProxies),
      clock,
      ids: options.ids,
      logs,
    }),
    new GatewayHttpAdapter(),
    {
      logger: new GatewayLogger(logs, {
        levels: options.logLevels ?? ['log', 'warn', 'error'],
        format: gateway.logging.format,
        colors: options.logColors ?? colorsWanted(process.stdout, process.env),
        now: () => clock.now(),
      }),
      abortOnError: false,
      // The ws adapter attaches to this server, so wss:// and https:// share the one port.
      httpsOptions: tls ? { cert: tls.cert, key: tls.key } : undefined,
      // Routes that take a body read it themselves, bounded (readJsonBody); nothing parses bodies for every path.
      bodyParser: false,
    },
  );
  app.useWebSocketAdapter(
    new GatewayWsAdapter(app, {
      maxPayload: gateway.limits.maxPayload,
      upgradePolicy: servedHostPolicy({
        bindHosts: bind.hosts,
        hostName,
        tailscaleMode: gateway.tailscale.mode,
        allowedOrigins: gateway.controlUi.allowedOrigins,
        allowedHosts: gateway.allowedHosts,
      }),
    }),
  );

  const scheme = tls ? 'wss' : 'ws';
  const requestedPort = options.listenPort ?? gateway.port;
  const [firstHost, ...otherHosts] = bind.hosts;
  const extraListeners: net.Server[] = [];
  try {
    await app.listen(requestedPort, firstHost);
    runtime.port = (app.getHttpServer().address() as net.AddressInfo).port;
    // One HTTP server serves every bind address: further listeners hand their sockets to it.
    for (const host of otherHosts) {
      extraListeners.push(await listenForwarding(app.getHttpServer(), runtime.port, host));
    }
  } catch (error) {
    await Promise.all(extraListeners.map((server) => new Promise((resolve) => server.close(resolve))));
    await app.close().catch(() => undefined);
    logs.close();
    throw describeListenError(error, requestedPort, firstHost, scheme);
  }
  // Only now is the port known; Tailscale trouble is a warning, never a failed start.
  const tailscale = await app.get(TailscaleService).expose({ host: firstHost, port: runtime.port, tls: Boolean(tls) });
  for (const f of criticalFindings(config)) new Logger('SecurityAudit').warn(`${f.message}; fix: ${f.fix}`);

  return {
    app,
    runtime,
    port: runtime.port,
    hosts: bind.hosts,
    url: `${scheme}://${formatHost(firstHost)}:${runtime.port}`,
    generatedToken: generated ? { path: generated.path, created: generated.created } : undefined,
    tlsFingerprint: tls?.fingerprintSha256,
    tlsCertificate: tls ? { path: tls.certPath, generated: tls.source === 'generated', created: tls.created } : undefined,
    tailscale,
    log: (level, context, message) => {
      const logger = new Logger(context);
      if (level === 'error') logger.error(message);
      else if (level === 'warn') logger.warn(message);
      else logger.log(message);
    },
    close: async () => {
      await Promise.all(extraListeners.map((server) => new Promise((resolve) => server.close(resolve))));
      await app.close();
      logs.close();
    },
  };
}

function listenForwarding(httpServer: net.Server, port: number, host: string): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer((socket) => httpServer.emit('connection', socket));
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

function describeListenError(error: unknown, port: number, host: string, scheme: string): Error {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === 'EADDRINUSE') {
    return new StartupError(
      `another gateway instance is already listening on ${scheme}://${formatHost(host)}:${port}; stop it, or start this one with --port <other>`,
      { retryable: true },
    );
  }
  if (code === 'EADDRNOTAVAIL') {
    return new StartupError(
      `cannot listen on ${host}: no interface of this host has that address; check gateway.bind / gateway.customBindHost`,
      { retryable: true },
    );
  }
  if (code === 'EACCES') {
    return new StartupError(`not allowed to listen on port ${port}; choose a port above 1023 with --port`);
  }
  return error instanceof Error ? error : new Error(String(error));
}

export function formatHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
