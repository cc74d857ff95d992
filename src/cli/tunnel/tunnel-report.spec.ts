import type { SshTunnelSpec } from './ssh-args';
import { formatTunnelState } from './tunnel-report';

const spec: SshTunnelSpec = {
  target: { user: 'me', host: 'gw', port: 2222, destination: 'me@gw' },
  localPort: 4000,
  remotePort: 18789,
};
const at = new Date('2026-01-02T03:04:05Z');
const plain = { json: false, color: false };

describe('formatTunnelState', () => {
  it('prints plain lines without colour codes', () => {
    const lines = [
      formatTunnelState({ state: 'starting', attempt: 1 }, spec, plain, at),
      formatTunnelState({ state: 'up', attempt: 1, localUrl: 'ws://127.0.0.1:4000', pid: 7 }, spec, plain, at),
      formatTunnelState({ state: 'restarting', inMs: 1500, attempt: 2 }, spec, plain, at),
    ].map((line) => line.text);
    expect(lines.join('\n')).not.toMatch(/\u001b/);
    expect(lines[0]).toContain('starting ssh to me@gw:2222: 127.0.0.1:4000 -> 127.0.0.1:18789 there');
    expect(lines[1]).toContain('up ws://127.0.0.1:4000 reaches the gateway on me@gw:2222 (ssh pid 7)');
    expect(lines[2]).toContain('restarting in 1.5 s');
  });

  it('colours the state word on a terminal', () => {
    expect(
      formatTunnelState({ state: 'up', attempt: 1, localUrl: 'ws://x' }, spec, { json: false, color: true }, at).text,
    ).toContain('\u001b[32mup\u001b[0m');
  });

  it('prints a failure the tunnel recovers from on stdout and one that ends it on stderr', () => {
    const down = { state: 'down', kind: 'auth', reason: 'refused', fix: 'add the key' } as const;
    expect(formatTunnelState({ ...down, willRetry: true }, spec, plain, at)).toEqual({
      stream: 'stdout',
      text: expect.stringMatching(/down refused\n {2}fix: add the key$/),
    });
    expect(formatTunnelState({ ...down, willRetry: false }, spec, plain, at)).toEqual({
      stream: 'stderr',
      text: 'nestclaw: refused\n  fix: add the key',
    });
  });

  it('prints one JSON object per line with --json', () => {
    const line = formatTunnelState({ state: 'starting', attempt: 1 }, spec, { json: true, color: true }, at);
    expect(line.text).not.toContain('\n');
    expect(JSON.parse(line.text)).toEqual({
      time: '2026-01-02T03:04:05.000Z',
      state: 'starting',
      attempt: 1,
      target: 'me@gw:2222',
      localPort: 4000,
      remotePort: 18789,
    });
    const stopped = formatTunnelState(
      { state: 'stopped', failure: { kind: 'auth', message: 'refused' } },
      spec,
      { json: true, color: false },
      at,
    );
    expect(JSON.parse(stopped.text)).toMatchObject({ state: 'stopped', failure: { kind: 'auth', message: 'refused' } });
  });
});
