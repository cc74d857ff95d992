import { Injectable } from '@nestjs/common';
import {
  CloseCode,
  DEFAULT_OPERATOR_SCOPES,
  ErrorCode,
  ErrorShape,
  GatewayEvent,
  HelloOk,
  OPERATOR_SCOPES,
  PROTOCOL_VERSION,
  RequestFrame,
  Role,
} from '../../../common/protocol';
import { AuthRateLimiter } from '../../auth/auth-rate-limiter';
import { AuthErrors } from '../../auth/auth.errors';
import { DeviceVerifierService } from '../../auth/device-verifier.service';
import { SharedSecretAuthService } from '../../auth/shared-secret-auth.service';
import { TailscaleIdentityService } from '../../auth/tailscale-identity.service';
import { AdmissionRequest, DeviceAuth, PairingService } from '../../pairing/pairing.service';
import { ConnectParamsDto } from '../dto/connect.params';
import { GatewayRuntime } from '../gateway-runtime';
import { HelloSnapshotSource } from '../hello-snapshot';
import { RpcError, invalidRequest } from '../rpc/rpc-error';
import { RpcRegistry } from '../rpc/rpc-registry';
import { validateParams } from '../rpc/validate-params';
import type { Connection, ConnectionSession } from './connection';

export type HandshakeOutcome =
  | { ok: true; session: ConnectionSession; deviceAuth?: DeviceAuth }
  | { ok: false; error: ErrorShape; closeCode: number; closeReason: string };

class Refusal extends Error {
  constructor(
    readonly error: RpcError,
    readonly closeCode: number,
    readonly closeReason: string,
  ) {
    super(error.message);
  }
}

const refuse = (error: RpcError, closeReason: string, closeCode: number = CloseCode.Policy) =>
  new Refusal(error, closeCode, closeReason);

/** Turns the first request of a connection into a session or a refusal. */
@Injectable()
export class HandshakeService {
  constructor(
    private readonly runtime: GatewayRuntime,
    private readonly rpcRegistry: RpcRegistry,
    private readonly snapshot: HelloSnapshotSource,
    private readonly rateLimiter: AuthRateLimiter,
    private readonly secretAuth: SharedSecretAuthService,
    private readonly deviceVerifier: DeviceVerifierService,
    private readonly pairing: PairingService,
    private readonly tailscaleIdentity: TailscaleIdentityService,
  ) {}

  /** Asynchronous only for the Tailscale whois; everything else decides at once. */
  async connect(frame: RequestFrame, connection: Connection): Promise<HandshakeOutcome> {
    try {
      return { ok: true, ...(await this.authenticate(frame, connection)) };
    } catch (error) {
      if (error instanceof Refusal) {
        return { ok: false, error: error.error.toShape(), closeCode: error.closeCode, closeReason: error.closeReason };
      }
      if (error instanceof RpcError) {
        return { ok: false, error: error.toShape(), closeCode: CloseCode.Policy, closeReason: 'invalid connect' };
      }
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
    if (params.minProtocol > PROTOCOL_VERSION || params.maxProtocol < PROTOCOL_VERSION) {
      throw refuse(
        invalidRequest(
          `protocol mismatch: this gateway speaks protocol ${PROTOCOL_VERSION}, the client offered ${params.minProtocol}..${params.maxProtocol}; update the client or the gateway`,
        ),
        'protocol mismatch',
        CloseCode.ProtocolMismatch,
      );
    }
    const role = params.role ?? 'operator';
    const scopes = this.resolveScopes(role, params.scopes);

    const address = connection.origin.clientAddress;
    const retryAfterMs = this.rateLimiter.retryAfterMs(address);
    if (retryAfterMs > 0) throw refuse(AuthErrors.rateLimited(retryAfterMs), 'rate limited');

    const secret = this.secretAuth.check(params.auth);
    let deviceId: string | undefined;
    let deviceAuth: DeviceAuth | undefined;
    let tailscaleLogin: string | undefined;
    if (params.device) {
      const check = this.deviceVerifier.verify(params.device, {
        clientId: params.client.id,
        clientMode: params.client.mode,
        role,
        scopes: params.scopes ?? [],
        token: params.auth?.token,
        challengeNonce: connection.nonce,
        isLocal: connection.origin.isLocal,
      });
      if (!check.ok) this.failAuth(address, check.error, 'device auth failed');
      deviceId = check.deviceId;
      // Without the shared secret, the token can only be this device's own device token.
      let deviceToken = secret.ok ? undefined : params.auth?.token;
      // A device that holds no device token for this role can only have meant the gateway's secret,
      // for which a verified Tailscale identity stands in.
      if (!secret.ok && (deviceToken === undefined || !this.pairing.hasDeviceTokens(deviceId, role))) {
        tailscaleLogin = await this.requireTailscaleIdentity(connection, secret.error, secret.presented);
        deviceToken = undefined;
      }
      deviceAuth = this.admitDevice(address, {
        deviceId,
        publicKey: params.device.publicKey,
        role,
        scopes,
        client: params.client,
        remoteIp: address,
        isLocal: connection.origin.isLocal,
        deviceToken,
      });
    } else if (!secret.ok) {
      const otherwise = secret.presented ? secret.error : AuthErrors.deviceIdentityRequired();
      tailscaleLogin = await this.requireTailscaleIdentity(connection, otherwise, secret.presented);
    }

    const session: ConnectionSession = {
      role,
      scopes,
      client: { ...params.client },
      deviceId,
      caps: params.caps ?? [],
      commands: params.commands ?? [],
      permissions: params.permissions ?? {},
      connectedAtMs: Date.now(),
      ...(tailscaleLogin ? { tailscaleLogin } : {}),
    };
    return { session, deviceAuth };
  }

  /**
   * The last resort after the secret and device token failed: a Tailscale
   * Serve identity confirmed by whois. Without one, `otherwise` is the
   * refusal, unless an unconfirmed claim deserves its own message. Either way
   * it counts as a failed login.
   */
  private async requireTailscaleIdentity(connection: Connection, otherwise: RpcError, secretPresented: boolean): Promise<string> {
    const claim = connection.origin.tailscale;
    const login = await this.tailscaleIdentity.verify(claim);
    if (login) return login;
    const unverified = claim && this.tailscaleIdentity.enabled && !secretPresented;
    const error = unverified ? AuthErrors.tailscaleIdentityUnverified() : otherwise;
    return this.failAuth(connection.origin.clientAddress, error, 'unauthorized');
  }

  /** Pairing refusals are not failed logins (the secret was right), so only bad tokens count toward the rate limit. */
  private admitDevice(address: string, request: AdmissionRequest): DeviceAuth {
    try {
      return this.pairing.admit(request);
    } catch (error) {
      if (!(error instanceof RpcError)) throw error;
      if (error.code === ErrorCode.NotPaired) throw refuse(error, 'pairing required');
      return this.failAuth(address, error, 'unauthorized');
    }
  }

  private failAuth(address: string, error: RpcError, closeReason: string): never {
    this.rateLimiter.recordFailure(address);
    throw refuse(error, closeReason);
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
    return {
      type: 'hello-ok',
      protocol: PROTOCOL_VERSION,
      server: { version: this.runtime.version, host: this.runtime.hostName, connId: connection.connId },
      features: { methods: this.rpcRegistry.names(), events: Object.values(GatewayEvent) },
      snapshot: this.snapshot.build(connection.session!),
      ...(deviceAuth ? { auth: { ...deviceAuth, role: deviceAuth.role as Role } } : {}),
      policy: {
        maxPayload: limits.maxPayload,
        maxBufferedBytes: limits.maxBufferedBytes,
        tickIntervalMs: limits.tickIntervalMs,
      },
    };
  }
}
