import { GatewayClientError } from '../common/client';
import { describeConnectFailure } from './connect-failure';

const context = { url: 'ws://gw:18789', credentialSource: '--token' };
const refused = (code: string, message: string, details?: unknown) =>
  new GatewayClientError('handshake-refused', message, { error: { code, message, ...(details ? { details } : {}) } });

describe(describeConnectFailure.name, () => {
  it('turns "pairing required" into the approval command with the request id', () => {
    expect(describeConnectFailure(refused('NOT_PAIRED', 'pairing required', { requestId: 'req-7' }), context)).toEqual({
      kind: 'waiting-approval',
      requestId: 'req-7',
      message: 'waiting for approval: run `nestclaw devices approve req-7` on the gateway host',
    });
  });

  it('still says what to do without a request id', () => {
    expect(describeConnectFailure(refused('NOT_PAIRED', 'pairing required'), context)).toMatchObject({
      kind: 'waiting-approval',
      message: expect.stringContaining('nestclaw devices list'),
    });
  });

  it.each<[string, GatewayClientError, RegExp]>([
    ['a refused secret', refused('INVALID_REQUEST', 'unauthorized: gateway token mismatch'), /secret from --token was refused/],
    ['a refused device token', refused('INVALID_REQUEST', 'unauthorized: device token mismatch'), /--token/],
    ['no secret at all', refused('NOT_PAIRED', 'device identity required'), /secret from --token was refused/],
    ['rate limiting', refused('RATE_LIMITED', 'too many failed attempts'), /keeps retrying/],
    [
      'another host holding this node id',
      new GatewayClientError('closed', 'the connection closed', {
        closeCode: 1008,
        closeReason: 'node id in use by a newer connection (cloned identity?)',
      }),
      /own identity by removing the identity directory/,
    ],
    ['a protocol mismatch', refused('INVALID_REQUEST', 'protocol mismatch: this gateway speaks 4'), /update nestclaw/],
    [
      'nothing listening',
      new GatewayClientError('unreachable', 'connection refused (ECONNREFUSED)'),
      /is the gateway running at ws:\/\/gw:18789/,
    ],
    ['a handshake timeout', new GatewayClientError('timeout', 'no challenge'), /host and port/],
    ['a certificate mismatch', new GatewayClientError('tls-mismatch', 'mismatch'), /--tls-fingerprint/],
    ['an untrusted certificate', new GatewayClientError('tls-untrusted', 'untrusted'), /--tls-fingerprint/],
    ['a refused upgrade', new GatewayClientError('upgrade-refused', 'HTTP 403'), /nestclaw gateway/],
    [
      'a closed socket',
      new GatewayClientError('closed', 'closed', { closeCode: 1008, closeReason: 'slow consumer' }),
      /slow consumer/,
    ],
  ])('names the fix for %s', (_name, error, fix) => {
    // Act
    const failure = describeConnectFailure(error, context);
    // Assert
    expect(failure.kind).toBe('error');
    if (failure.kind !== 'error') return;
    expect((failure as { fix?: string }).fix).toMatch(fix);
  });

  it('puts the gateway code and message in the reason', () => {
    expect(describeConnectFailure(refused('INVALID_REQUEST', 'unauthorized: gateway token mismatch'), context)).toMatchObject({
      reason: 'the gateway refused: INVALID_REQUEST: unauthorized: gateway token mismatch',
    });
  });

  it('says no secret was sent when there was none', () => {
    const failure = describeConnectFailure(refused('NOT_PAIRED', 'device identity required'), { url: 'ws://gw' });
    expect(failure).toMatchObject({ fix: expect.stringContaining('no secret was sent') });
  });

  it('passes any other error through as its message', () => {
    expect(describeConnectFailure(new Error('boom'), context)).toEqual({ kind: 'error', reason: 'boom' });
  });
});
