import { classifySocketError, GatewayClientError, GatewayFailureKind } from './client-errors';

const socketError = (code: string | undefined, message = `some ${code} error`) =>
  Object.assign(new Error(message), code === undefined ? {} : { code });

describe(GatewayClientError.name, () => {
  it('carries kind, message and info and names itself', () => {
    // Act
    const error = new GatewayClientError('closed', 'gone', { closeCode: 1008 });

    // Assert
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('GatewayClientError');
    expect(error.kind).toBe('closed');
    expect(error.message).toBe('gone');
    expect(error.info).toEqual({ closeCode: 1008 });
    expect(new GatewayClientError('timeout', 'x').info).toEqual({});
  });
});

describe(classifySocketError.name, () => {
  it.each<[string, GatewayFailureKind, string]>([
    ['ECONNREFUSED', 'unreachable', 'connection refused: nothing is listening there (ECONNREFUSED)'],
    ['ENOTFOUND', 'unreachable', 'the host name could not be resolved (ENOTFOUND)'],
    ['EAI_AGAIN', 'unreachable', 'the host name could not be resolved (EAI_AGAIN)'],
    ['EHOSTUNREACH', 'unreachable', 'the host is not reachable (EHOSTUNREACH)'],
    ['ENETUNREACH', 'unreachable', 'the host is not reachable (ENETUNREACH)'],
    ['EADDRNOTAVAIL', 'unreachable', 'the host is not reachable (EADDRNOTAVAIL)'],
    ['ECONNRESET', 'unreachable', 'the connection was reset (ECONNRESET)'],
    ['ETIMEDOUT', 'timeout', 'the connection timed out'],
    [
      'DEPTH_ZERO_SELF_SIGNED_CERT',
      'tls-untrusted',
      "the gateway's TLS certificate is not trusted (DEPTH_ZERO_SELF_SIGNED_CERT)",
    ],
    ['SELF_SIGNED_CERT_IN_CHAIN', 'tls-untrusted', "the gateway's TLS certificate is not trusted (SELF_SIGNED_CERT_IN_CHAIN)"],
    [
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      'tls-untrusted',
      "the gateway's TLS certificate is not trusted (UNABLE_TO_VERIFY_LEAF_SIGNATURE)",
    ],
    ['CERT_HAS_EXPIRED', 'tls-untrusted', "the gateway's TLS certificate is not trusted (CERT_HAS_EXPIRED)"],
    [
      'ERR_TLS_CERT_ALTNAME_INVALID',
      'tls-untrusted',
      "the gateway's TLS certificate is not trusted (ERR_TLS_CERT_ALTNAME_INVALID)",
    ],
    ['EPROTO', 'protocol', 'TLS handshake failed: is the gateway serving plain ws:// on that port?'],
    ['ERR_SSL_WRONG_VERSION_NUMBER', 'protocol', 'TLS handshake failed: is the gateway serving plain ws:// on that port?'],
  ])('%s → %s', (code, kind, message) => {
    // Act
    const result = classifySocketError(socketError(code));

    // Assert
    expect(result).toBeInstanceOf(GatewayClientError);
    expect(result.kind).toBe(kind);
    expect(result.message).toBe(message);
    expect(result.info.cause).toBe(code);
  });

  it('recognises "wrong version number" in the message when there is no code', () => {
    // Act
    const result = classifySocketError(socketError(undefined, 'ssl3_get_record:wrong version number'));

    // Assert
    expect(result.kind).toBe('protocol');
  });

  it('reports anything else as unreachable with the original message', () => {
    // Act
    const withCode = classifySocketError(socketError('EWHATEVER', 'something odd happened'));
    const withoutCode = classifySocketError(socketError(undefined, 'Opening handshake has timed out'));

    // Assert
    expect(withCode.kind).toBe('unreachable');
    expect(withCode.message).toBe('something odd happened');
    expect(withCode.info.cause).toBe('EWHATEVER');
    expect(withoutCode.kind).toBe('unreachable');
    expect(withoutCode.message).toBe('Opening handshake has timed out');
    expect(withoutCode.info.cause).toBeUndefined();
  });

  it('says "connection failed" for an error without code or message', () => {
    // Act
    const result = classifySocketError(new Error(''));

    // Assert
    expect(result).toMatchObject({ kind: 'unreachable', message: 'connection failed' });
  });

  it('passes a GatewayClientError (e.g. a pin mismatch) through unchanged', () => {
    // Arrange
    const mismatch = new GatewayClientError('tls-mismatch', 'pin', { expectedFingerprint: 'a'.repeat(64) });

    // Act / Assert
    expect(classifySocketError(mismatch)).toBe(mismatch);
  });
});
