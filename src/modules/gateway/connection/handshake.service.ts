import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  CloseCode,
  DEFAULT_OPERATOR_SCOPES,
  ErrorShape,
  GatewayEvent,
  HelloOk,
  MIN_PROTOCOL_VERSION,
  negotiateProtocol,
  OPERATOR_SCOPES,
  PROTOCOL_VERSION,
  RequestFrame,
  Role,
} from '../../../common/protocol';
import { Clock } from '../../../common/clock';
import { signedTokenOf } from '../../../common/identity';
import { authBucketOf } from '../../auth/auth-bucket';
import { AuthRateLimiter } from '../../auth/auth-rate-limiter';
import { AuthError, AuthErrors } from '../../auth/auth.errors';
import { DeviceVerifierService } from '../../auth/device-verifier.service';
import { SharedSecretAuthService } from '../../auth/shared-secret-auth.service';
import { TailscaleIdentityService } from '../../auth/tailscale-identity.service';
import { isDeviceTokenShaped } from '../../pairing/device-tokens';
import { PairingError, PairingErrorCode } from '../../pairing/pairing.errors';
import { AdmissionRequest, DeviceAuth, PairingService } from '../../pairing/pairing.service';
import { ConnectParamsDto } from '../dto/connect.params';
import { GatewayRuntime } from '../../config/gateway-runtime';
import { HelloSnapshotSource } from '../hello-snapshot';
import { RpcError, invalidRequest } from '../rpc/rpc-error';
import { toErrorShape } from '../rpc/wire-errors';
import { RpcRegistry } from '../rpc/rpc-registry';
import { validateParams } from '../rpc/validate-params';
import type { Connection, ConnectionSession } from './connection';

export type HandshakeOutcome =
  | { ok: true; session: ConnectionSession; deviceAuth?: DeviceAuth }
  | { ok: false; error: ErrorShape; closeCode: number; closeReason: string };

/** What refuses a connect: the handshake's own errors, and the auth and pairing modules' (mapped in wire-errors.ts). */
type ConnectError = RpcError | AuthError | PairingError;

class Refusal extends Error {
  constructor(
    readonly error: ConnectError,
    readonly closeCode: number,
    readonly closeReason: string,
    /** A wrong secret, token or proof, as opposed to a malformed or not-yet-paired connect. */
    readonly failedLogin = false,
  ) {
    super(error.message);
  }
}

const refuse = (error: ConnectError, closeReason: string, closeCode: number = CloseCode.Policy) =>
  new Refusal(error, closeCode, closeReason);

const isPairingRequired = (error: unknown): error is PairingError =>
  error instanceof PairingError && error.code === PairingErrorCode.PairingRequired;

/** The details let a client that offered too new or too old a range fall back (the current reference's shape). */
const protocolMismatch = (params: ConnectParamsDto) =>
  refuse(
    invalidRequest(
      `protocol mismatch: this gateway speaks protocols ${MIN_PROTOCOL_VERSION}..${PROTOCOL_VERSION}, the client offered ${params.minProtocol}..${params.maxProtocol}; update the client or the gateway`,
      {
        details: {
          code: 'PROTOCOL_MISMATCH',
          clientMinProtocol: params.minProtocol,
          clientMaxProtocol: params.maxProtocol,
          expectedProtocol: PROTOCOL_VERSION,
          minimumProbeProtocol: MIN_PROTOCOL_VERSION,
        },
      },
    ),
    'protocol mismatch',
    CloseCode.ProtocolMismatch,
  );

const GATEWAY_EVENTS: readonly string[] = Object.values(GatewayEvent);

const ConnectErrors = {
  workerRunsUnsupported: () =>
    invalidRequest(
      'workerRuns: nestclaw runs no worker bundles; connect this worker to an OpenClaw gateway, or leave workerRuns out',
    ),
};

/** Turns the first request of a connection into a session or a refusal. */
@Injectable()
export class HandshakeService {
  /** Changes with every start, so protocol 4 clients can tell a restart from a reconnect. */
  private readonly bootId = randomUUID();

  constructor(
    private readonly runtime: GatewayRuntime,
    private readonly rpcRegistry: RpcRegistry,
    private readonly snapshot: HelloSnapshotSource,
    private readonly rateLimiter: AuthRateLimiter,
    private readonly secretAuth: SharedSecretAuthService,
    private readonly deviceVerifier: DeviceVerifierService,
    private readonly pairing: PairingService,
    private readonly tailscaleIdentity: TailscaleIdentityService,
    private readonly clock: Clock,
  ) {}

  /** Asynchronous only for the Tailscale whois; everything else decides at once. */
  async connect(frame: RequestFrame, connection: Connection): Promise<HandshakeOutcome> {
    try {
      return { ok: true, ...(await this.authenticate(frame, connection)) };
    } catch (error) {
      if (error instanceof Refusal) {
        const { shape } = toErrorShape(error.error);
        return { ok: false, error: shape, closeCode: error.closeCode, closeReason: error.closeReason };
      }
      const { shape, unexpected } = toErrorShape(error);
      if (!unexpected) return { ok: false, error: shape, closeCode: CloseCode.Policy, closeReason: 'invalid connect' };
      throw error;
    }
  }

  private async authenticate(
    frame: RequestFrame,
    connection: Connection,
  ): Promise<{ session: ConnectionSession; deviceAuth?: DeviceAuth }> {
    if (frame.method !== 'connect') {
      throw refuse(invalidRequest(`the first request must be "connect", got "${frame.method}"`), 'connect required');
    }
    const params = validateParams(ConnectParamsDto, frame.params) as ConnectParamsDto;
    const protocol = negotiateProtocol(params.minProtocol, params.maxProtocol);
    if (protocol === undefined) throw protocolMismatch(params);
    if (params.workerRuns !== undefined) throw refuse(ConnectErrors.workerRunsUnsupported(), 'invalid connect');
    const role = params.role ?? 'operator';
    const scopes = this.resolveScopes(role, params.scopes);

    // Reserved before anything is awaited: concurrent guesses each take a slot, so only the limit's worth get checked.
    const attempt = this.rateLimiter.reserve(this.bucketOf(connection));
    if (!attempt.granted) return this.admitOwnerWhileLocked(params, connection, role, scopes, attempt.retryAfterMs);
    try {
      const outcome = await this.checkCredentials(params, connection, role, scopes);
      attempt.release();
      return outcome;
    } catch (error) {
      if (!(error instanceof Refusal && error.failedLogin)) attempt.release();
      throw error;
    }
  }

  /**
   * Tailscale Serve connects from loopback for every tailnet peer, so its
   * requests are counted per tailnet address (which whois ties to one
   * device) instead of against the gateway host's own loopback bucket.
   * Public so that failures before the handshake (oversize or malformed frames) count in the same bucket.
   */
  bucketOf(connection: Connection): string {
    const claim = connection.origin.tailscale;
    if (claim && this.tailscaleIdentity.enabled) return `tailscale:${authBucketOf(claim.clientIp)}`;
    return authBucketOf(connection.origin.clientAddress);
  }

  /**
   * While a bucket is locked nothing is compared with the gateway's secret,
   * but a device that proves its key and presents one of its own device
   * tokens is the owner's CLI, Control UI or node: other senders' failures
   * from the same address must not lock it out.
   */
  private admitOwnerWhileLocked(
    params: ConnectParamsDto,
    connection: Connection,
    role: Role,
    scopes: string[],
    retryAfterMs: number,
  ): { session: ConnectionSession; deviceAuth?: DeviceAuth } {
    const locked = () => refuse(AuthErrors.rateLimited(retryAfterMs), 'rate limited');
    const token = params.auth?.token ?? params.auth?.deviceToken;
    if (!params.device || token === undefined) throw locked();
    const check = this.deviceVerifier.verify(params.device, this.proofContext(params, connection, role));
    if (!check.ok || !this.pairing.hasDeviceTokens(check.deviceId, role)) throw locked();
    try {
      const deviceAuth = this.pairing.admit(this.admission(params, connection, check.deviceId, role, scopes, token));
      return { session: this.buildSession(params, role, scopes, check.deviceId), deviceAuth };
    } catch (error) {
      if (isPairingRequired(error)) throw refuse(error, 'pairing required');
      throw locked();
    }
  }

  private async checkCredentials(
    params: ConnectParamsDto,
    connection: Connection,
    role: Role,
    scopes: string[],
  ): Promise<{ session: ConnectionSession; deviceAuth?: DeviceAuth }> {
    const secret = this.secretAuth.check(params.auth);
    let deviceId: string | undefined;
    let deviceAuth: DeviceAuth | undefined;
    let tailscaleLogin: string | undefined;
    if (params.device) {
      const check = this.deviceVerifier.verify(params.device, this.proofContext(params, connection, role));
      if (!check.ok) this.failAuth(check.error, 'device auth failed');
      deviceId = check.deviceId;
      // Protocol 4 clients may carry their device token in auth.deviceToken beside the shared one.
      const presented = secret.ok ? undefined : (params.auth?.token ?? params.auth?.deviceToken);
      // A token shaped like ours, or offered by a device that holds some, is judged as a device token,
      // so a stale one is refused with a reason the client acts on (drop it, retry with the secret).
      const deviceToken =
        presented !== undefined && (isDeviceTokenShaped(presented) || this.pairing.hasDeviceTokens(deviceId, role))
          ? presented
          : undefined;
      // Otherwise the device can only have meant the gateway's secret, for which a verified Tailscale identity stands in.
      if (!secret.ok && deviceToken === undefined) {
        tailscaleLogin = await this.requireTailscaleIdentity(connection, secret.error, secret.presented);
      }
      deviceAuth = this.admitDevice(this.admission(params, connection, deviceId, role, scopes, deviceToken));
    } else if (!secret.ok) {
      const otherwise = secret.presented ? secret.error : AuthErrors.deviceIdentityRequired();
      tailscaleLogin = await this.requireTailscaleIdentity(connection, otherwise, secret.presented);
    }
    return { session: this.buildSession(params, role, scopes, deviceId, tailscaleLogin), deviceAuth };
  }

  private proofContext(params: ConnectParamsDto, connection: Connection, role: Role) {
    return {
      clientId: params.client.id,
      clientMode: params.client.mode,
      role,
      scopes: params.scopes ?? [],
      token: signedTokenOf(params.auth),
      challengeNonce: connection.nonce,
      isLocal: connection.origin.isLocal,
      protocol: negotiateProtocol(params.minProtocol, params.maxProtocol) ?? MIN_PROTOCOL_VERSION,
      platform: params.client.platform,
      deviceFamily: params.client.deviceFamily,
    };
  }

  private admission(
    params: ConnectParamsDto,
    connection: Connection,
    deviceId: string,
    role: Role,
    scopes: string[],
    deviceToken: string | undefined,
  ): AdmissionRequest {
    return {
      deviceId,
      publicKey: params.device!.publicKey,
      role,
      scopes,
      client: params.client,
      remoteIp: connection.origin.clientAddress,
      isLocal: connection.origin.isLocal,
      deviceToken,
    };
  }

  private buildSession(
    params: ConnectParamsDto,
    role: Role,
    scopes: string[],
    deviceId: string | undefined,
    tailscaleLogin?: string,
  ): ConnectionSession {
    return {
      protocol: negotiateProtocol(params.minProtocol, params.maxProtocol) ?? MIN_PROTOCOL_VERSION,
      role,
      scopes,
      client: { ...params.client },
      deviceId,
      caps: params.caps ?? [],
      commands: params.commands ?? [],
      permissions: params.permissions ?? {},
      connectedAtMs: this.clock.now(),
      ...(tailscaleLogin ? { tailscaleLogin } : {}),
    };
  }

  /**
   * The last resort after the secret and device token failed: a Tailscale
   * Serve identity confirmed by whois. Without one, `otherwise` is the
   * refusal, unless an unconfirmed claim deserves its own message. Either way
   * it counts as a failed login.
   */
  private async requireTailscaleIdentity(
    connection: Connection,
    otherwise: AuthError,
    secretPresented: boolean,
  ): Promise<string> {
    const claim = connection.origin.tailscale;
    const login = await this.tailscaleIdentity.verify(claim);
    if (login) return login;
    const unverified = claim && this.tailscaleIdentity.enabled && !secretPresented;
    const error = unverified ? AuthErrors.tailscaleIdentityUnverified() : otherwise;
    return this.failAuth(error, 'unauthorized');
  }

  /** Pairing refusals are not failed logins (the secret was right), so only bad tokens count toward the rate limit. */
  private admitDevice(request: AdmissionRequest): DeviceAuth {
    try {
      return this.pairing.admit(request);
    } catch (error) {
      if (!(error instanceof PairingError)) throw error;
      if (isPairingRequired(error)) throw refuse(error, 'pairing required');
      return this.failAuth(error, 'unauthorized');
    }
  }

  /** The attempt's reserved rate-limit slot is kept: this was a failed login. */
  private failAuth(error: ConnectError, closeReason: string): never {
    throw new Refusal(error, CloseCode.Policy, closeReason, true);
  }

  private resolveScopes(role: string, requested: string[] | undefined): string[] {
    if (role === 'node') return [];
    if (!requested || requested.length === 0) return [...DEFAULT_OPERATOR_SCOPES];
    const unknown = requested.filter((scope) => !(OPERATOR_SCOPES as readonly string[]).includes(scope));
    if (unknown.length > 0) {
      throw refuse(
        invalidRequest(`unknown scope: ${unknown.join(', ')} (known scopes: ${OPERATOR_SCOPES.join(', ')})`),
        'invalid connect',
      );
    }
    return [...new Set(requested)];
  }

  /** Built after the connection joined the registry, so the snapshot includes it. */
  hello(connection: Connection, deviceAuth?: DeviceAuth): HelloOk {
    const { limits } = this.runtime;
    const session = connection.session;
    const protocol = session?.protocol ?? MIN_PROTOCOL_VERSION;
    const hello: HelloOk = {
      type: 'hello-ok',
      protocol,
      server: { version: this.runtime.version, host: this.runtime.hostName, connId: connection.connId },
      features: { methods: this.rpcRegistry.names(), events: [...GATEWAY_EVENTS] },
      snapshot: this.snapshot.build(connection.session!, connection.connId),
      ...(deviceAuth ? { auth: { ...deviceAuth, role: deviceAuth.role as Role } } : {}),
      policy: {
        maxPayload: limits.maxPayload,
        maxBufferedBytes: limits.maxBufferedBytes,
        tickIntervalMs: limits.tickIntervalMs,
      },
    };
    return protocol >= 4 ? withProtocol4Fields(hello, this.bootId, session) : hello;
  }
}

/**
 * Protocol 4 clients read `auth` on every hello (role and scopes even without
 * a device), the server's boot id (a restart changes it), the capability list
 * (nestclaw has none of the reference's optional capabilities) and the
 * attachment limits (attachments are dropped, so the frame limit is all there is).
 */
function withProtocol4Fields(hello: HelloOk, bootId: string, session: ConnectionSession | undefined): HelloOk {
  return {
    ...hello,
    server: { ...hello.server, bootId },
    features: { ...hello.features, capabilities: [] },
    auth: hello.auth ?? { role: session?.role ?? 'operator', scopes: session?.scopes ?? [] },
    policy: {
      ...hello.policy,
      attachments: { maxBytes: hello.policy.maxPayload, maxImageBytes: hello.policy.maxPayload },
    },
  };
}
