import type { NodeHostEvent } from './node-host-events';
import { formatNodeHostEvent } from './node-host-report';

const at = new Date('2026-01-02T03:04:05Z');
const plain = (event: NodeHostEvent) => formatNodeHostEvent(event, false, at).text.replace(/^\d\d:\d\d:\d\d /, '');

describe(formatNodeHostEvent.name, () => {
  it.each<[NodeHostEvent, string]>([
    [
      {
        event: 'starting',
        url: 'ws://gw',
        nodeId: 'abcdef0123456789abcdef',
        displayName: 'box',
        execPolicy: 'deny',
        commands: ['system.run', 'system.which'],
      },
      'starting node "box" (node id abcdef012345…) for ws://gw, exec policy deny, commands system.run, system.which',
    ],
    [{ event: 'connected', url: 'ws://gw', connId: 'c-1', deviceTokenIssued: false }, 'connected to ws://gw (connId c-1)'],
    [
      { event: 'connected', url: 'ws://gw', connId: 'c-1', deviceTokenIssued: true },
      'connected to ws://gw (connId c-1); device token stored',
    ],
    [
      { event: 'disconnected', code: 1012, reason: 'service restart' },
      'disconnected (code 1012, gateway restarting, service restart)',
    ],
    [{ event: 'disconnected', code: 1006, reason: '' }, 'disconnected (code 1006, connection lost)'],
    [{ event: 'reconnecting', attempt: 3, delayMs: 1234 }, 'reconnecting in 1234 ms (attempt 3)'],
    [
      { event: 'device-token-dropped', reason: 'device-token-revoked', retryWith: 'token' },
      'the gateway refused the stored device token (device-token-revoked); deleted it and retrying once with the gateway token',
    ],
    [
      { event: 'device-token-dropped', reason: 'device-token-mismatch', retryWith: 'nothing' },
      'the gateway refused the stored device token (device-token-mismatch); deleted it and retrying without a secret (pass --token to pair again)',
    ],
    [
      {
        event: 'waiting-approval',
        requestId: 'r',
        message: 'waiting for approval: run `nestclaw devices approve r` on the gateway host',
      },
      'waiting for approval: run `nestclaw devices approve r` on the gateway host',
    ],
    [{ event: 'error', reason: 'refused', fix: 'start it', repeated: false }, 'connect failed: refused\n  fix: start it'],
    [{ event: 'error', reason: 'refused', fix: 'start it', repeated: true }, 'connect failed: refused'],
    [
      { event: 'gateway-shutdown', reason: 'restart', restartExpectedMs: 500 },
      'gateway is shutting down (restart), restart expected in 500 ms',
    ],
    [
      {
        event: 'invoke',
        id: 'i',
        command: 'system.run',
        ok: true,
        durationMs: 12,
        notes: ['/usr/bin/uptime exited 0'],
        delivered: true,
      },
      'invoke system.run ok in 12 ms: /usr/bin/uptime exited 0',
    ],
    [
      {
        event: 'invoke',
        id: 'i',
        command: 'system.run',
        ok: false,
        code: 'EXEC_DENIED',
        durationMs: 1,
        notes: [],
        delivered: false,
        deliveryError: 'not connected',
      },
      'invoke system.run refused EXEC_DENIED in 1 ms (result not delivered: not connected)',
    ],
    [{ event: 'notify', title: 'Build', body: 'done' }, 'notification: Build - done'],
    [{ event: 'stopping', signal: 'SIGTERM' }, 'received SIGTERM, stopping'],
    [{ event: 'stopped' }, 'stopped'],
  ])('prints %j', (event, text) => {
    expect(plain(event)).toBe(text);
  });

  it('starts plain lines with the local time', () => {
    expect(formatNodeHostEvent({ event: 'stopped' }, false, at).text).toMatch(/^\d\d:\d\d:\d\d stopped$/);
  });

  it('never lets gateway text put control characters on the terminal', () => {
    const text = plain({ event: 'notify', title: 'a\u001b[2Jb', body: 'line\nfake: connected' });
    expect(text).toBe('notification: a [2Jb - line fake: connected');
  });

  it('prints one JSON object per line with --json', () => {
    // Act
    const line = formatNodeHostEvent({ event: 'notify', title: 't', body: 'multi\nline' }, true, at);
    // Assert
    expect(line.stream).toBe('stdout');
    expect(line.text).not.toContain('\n');
    expect(JSON.parse(line.text)).toEqual({ time: '2026-01-02T03:04:05.000Z', event: 'notify', title: 't', body: 'multi\nline' });
  });
});
