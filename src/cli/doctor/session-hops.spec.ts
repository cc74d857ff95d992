import { GatewayClientError } from '../../common/client';
import type { GatewayTarget } from '../target';
import { refusalHops } from './session-hops';

const target: GatewayTarget = {
  url: 'ws://127.0.0.1:18789',
  urlSource: '--url',
  token: 'x',
  credentialSource: '--token',
  configPath: '/tmp/c.json',
  stateDir: '/tmp/s',
};

function refused(code: string, message: string, details?: unknown): GatewayClientError {
  return new GatewayClientError('handshake-refused', message, { error: { code, message, details } });
}

describe('refusalHops', () => {
  it.each([
    [refused('RATE_LIMITED', 'too many failed attempts'), 'auth', /wait, then retry/],
    [refused('INVALID_REQUEST', 'protocol mismatch: this gateway speaks protocol 3'), 'version', /same nestclaw version/],
    [refused('INVALID_REQUEST', 'unauthorized: stale', { reason: 'device-token-invalid' }), 'auth', /revoked or rotated/],
    [refused('INVALID_REQUEST', 'unauthorized: gateway token mismatch'), 'auth', /secret from --token is not the gateway's/],
    [new GatewayClientError('closed', 'closed early', { closeCode: 1008 }), 'auth', /gateway log/],
  ])('%#: names the %s hop with its fix', (error, hop, fix) => {
    const hops = refusalHops(error, target);
    expect(hops.at(-1)).toMatchObject({ hop, status: 'fail', fix: expect.stringMatching(fix) });
  });

  it('pairing required: auth passed, pairing failed with the approve command', () => {
    const hops = refusalHops(refused('NOT_PAIRED', 'pairing required', { requestId: 'req-1' }), target);
    expect(hops.map((hop) => `${hop.hop}:${hop.status}`)).toEqual(['auth:ok', 'pairing:fail']);
    expect(hops[1].fix).toContain('nestclaw devices approve req-1');
  });

  it('bounds what a hostile gateway can make it print', () => {
    const [hop] = refusalHops(refused('INVALID_REQUEST', 'x'.repeat(100_000)), target);
    expect(hop.detail.length).toBeLessThanOrEqual(500);
  });

  it('without any secret, says how to give one', () => {
    const [hop] = refusalHops(refused('NOT_PAIRED', 'device identity required'), { ...target, credentialSource: undefined });
    expect(hop.fix).toContain('--token');
  });
});
