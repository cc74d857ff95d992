import { GatewayClient, GatewayClientError } from '../../common/client';
import { cliClient } from '../gateway-session';
import { HelloOk, PROTOCOL_VERSION } from '../../common/protocol';
import { NESTCLAW_VERSION } from '../../common/version';
import type { GatewayTarget } from '../target';
import type { HopResult } from './doctor.types';

/** A gateway's refusal text is shown, bounded: it comes from the peer. */
const MAX_MESSAGE = 500;

/** A read-only call per scope group, so the gateway itself says whether the scope is there. */
const SCOPE_PROBES: ReadonlyArray<{ scope: string; method: string; neededBy: string }> = [
  { scope: 'operator.read', method: 'status', neededBy: '`nestclaw health`, `status --deep`, `nodes list`' },
  { scope: 'operator.pairing', method: 'device.pair.list', neededBy: '`nestclaw devices`, `nodes approve`' },
  { scope: 'operator.approvals', method: 'exec.approval.list', neededBy: '`nestclaw approvals`' },
];

export interface SessionOptions {
  timeoutMs: number;
  /** The scopes to ask for; none means the gateway's default for operators (operator.admin). */
  scopes?: string[];
}

/**
 * Connects the way every CLI command does (this machine's device identity,
 * its stored device token, the resolved secret) and turns the outcome into
 * the auth, pairing, scopes and version hops. Returns the hops in order; the
 * last one is the failure when there is one.
 */
export async function checkSession(target: GatewayTarget, options: SessionOptions): Promise<HopResult[]> {
  const client = cliClient(target, options.timeoutMs, options.scopes);
  const hops: HopResult[] = [];
  try {
    let hello: HelloOk;
    try {
      hello = await client.connect();
    } catch (error) {
      return [...hops, ...refusalHops(error, target)];
    }
    hops.push({ hop: 'auth', status: 'ok', detail: authDetail(target) });
    hops.push({ hop: 'pairing', status: 'ok', detail: pairingDetail(hello) });
    const scopes = await checkScopes(client, hello);
    hops.push(scopes);
    if (scopes.status === 'fail') return hops;
    hops.push(versionHop(hello));
    return hops;
  } finally {
    await client.stop();
  }
}

function authDetail(target: GatewayTarget): string {
  return target.credentialSource
    ? `the gateway accepted the secret from ${target.credentialSource}`
    : 'accepted without a secret';
}

function pairingDetail(hello: HelloOk): string {
  if (!hello.auth) return 'no device token issued (the gateway accepted the shared secret alone)';
  return `this device is paired as ${hello.auth.role} (${hello.auth.scopes.join(', ') || 'no scopes'})`;
}

/** The handshake was refused: which hop that was, and what fixes it. */
export function refusalHops(error: unknown, target: GatewayTarget): HopResult[] {
  if (!(error instanceof GatewayClientError)) throw error;
  const shape = error.info.error;
  const message = (shape?.message ?? error.message).slice(0, MAX_MESSAGE);
  const details = (shape?.details ?? {}) as { requestId?: unknown; reason?: unknown };
  if (error.kind !== 'handshake-refused' || !shape) {
    return [
      fail(
        'auth',
        `the connection ended before the gateway answered the connect request (${error.message})`,
        'look at the gateway log for why it closed the connection (`journalctl --user -u nestclaw-gateway`)',
      ),
    ];
  }
  if (shape.code === 'NOT_PAIRED' && typeof details.requestId === 'string') {
    const requestId = details.requestId.slice(0, 128);
    return [
      { hop: 'auth', status: 'ok', detail: authDetail(target) },
      fail(
        'pairing',
        `this device is not paired with the gateway yet (request ${requestId})`,
        `on the gateway host run \`nestclaw devices approve ${requestId}\` (or approve it in the Control UI's Devices tab) within 5 minutes, then run this again`,
      ),
    ];
  }
  if (/protocol mismatch/.test(message)) {
    return [fail('version', message, 'install the same nestclaw version on both machines (`nestclaw --version`)')];
  }
  if (shape.code === 'RATE_LIMITED') {
    return [fail('auth', message, 'too many wrong secrets came from this address: wait, then retry once with the right one')];
  }
  if (details.reason === 'device-token-invalid') {
    return [
      fail(
        'auth',
        message,
        'the stored device token was revoked or rotated: run again with the gateway token (--token or gateway.remote.token) to get a new one',
      ),
    ];
  }
  if (!target.credentialSource) {
    return [
      fail(
        'auth',
        message,
        'no secret was found to send: pass --token <token> (or --password), or set gateway.remote.token; on the gateway host the token is in <stateDir>/gateway.token',
      ),
    ];
  }
  return [
    fail(
      'auth',
      message,
      `the secret from ${target.credentialSource} is not the gateway's: on the gateway host read it with \`cat ~/.nestclaw/gateway.token\` (or gateway.auth.token / NESTCLAW_GATEWAY_TOKEN there) and pass that`,
    ),
  ];
}

async function checkScopes(client: GatewayClient, hello: HelloOk): Promise<HopResult> {
  const served = new Set(hello.features.methods);
  const confirmed: string[] = [];
  for (const probe of SCOPE_PROBES) {
    if (!served.has(probe.method)) continue;
    try {
      await client.request(probe.method, {});
      confirmed.push(probe.scope);
    } catch (error) {
      const text = error instanceof GatewayClientError ? (error.info.error?.message ?? error.message) : String(error);
      if (!/missing scope/.test(text)) throw error;
      return fail(
        'scopes',
        `${text}: ${probe.neededBy} will be refused`,
        `connect without --scopes (operators get operator.admin by default) or add ${probe.scope}; a paired device that asks for more than it was approved for needs a new approval on the gateway host (\`nestclaw devices list\`, then \`nestclaw devices approve <requestId>\`)`,
      );
    }
  }
  return { hop: 'scopes', status: 'ok', detail: `the gateway answers ${confirmed.join(', ')} calls` };
}

function versionHop(hello: HelloOk): HopResult {
  const detail = `gateway ${hello.server.version}, this CLI ${NESTCLAW_VERSION}, protocol ${hello.protocol}`;
  if (hello.protocol !== PROTOCOL_VERSION || hello.server.version !== NESTCLAW_VERSION) {
    return { hop: 'version', status: 'warn', detail, fix: 'install the same nestclaw version on both machines' };
  }
  return { hop: 'version', status: 'ok', detail };
}

function fail(hop: HopResult['hop'], detail: string, fix: string): HopResult {
  return { hop, status: 'fail', detail, fix };
}
