import { fakeWorld, FakeSsh, FakeWorld } from '../../../test/support/fake-ssh';
import { localPortInUse } from './ssh-diagnosis';
import { SshTunnel, SshTunnelOptions, TunnelState } from './ssh-tunnel';

const SPEC: SshTunnelOptions = {
  target: { user: 'me', host: 'gw.example', destination: 'me@gw.example' },
  localPort: 18789,
  remotePort: 18789,
};

describe(SshTunnel.name, () => {
  let world: FakeWorld;
  let tunnel: SshTunnel | undefined;

  beforeEach(() => {
    jest.useFakeTimers();
    world = fakeWorld();
  });

  afterEach(async () => {
    const stopping = tunnel?.stop();
    await jest.advanceTimersByTimeAsync(10_000);
    await stopping;
    tunnel = undefined;
    jest.useRealTimers();
  });

  const start = (options: Partial<SshTunnelOptions> = {}) => {
    tunnel = new SshTunnel({ ...SPEC, ...options }, world.deps);
    tunnel.onState((state) => world.states.push(state));
    return tunnel.start();
  };
  const advance = (ms: number) => jest.advanceTimersByTimeAsync(ms);
  const names = () => world.states.map((s) => s.state);
  const last = (): TunnelState => world.states[world.states.length - 1];
  const ofState = <S extends TunnelState['state']>(name: S) =>
    world.states.filter((s): s is Extract<TunnelState, { state: S }> => s.state === name);
  const failOnSpawn = (stderr: string) => (ssh: FakeSsh) => {
    ssh.writeStderr(stderr);
    ssh.end({ code: 255, signal: null });
  };

  describe('start', () => {
    it('runs ssh with the tunnel arguments and reports up once the gateway handshake comes through', async () => {
      const answers = [false, false, true];
      world.gateway = () => (answers.shift() ? { ok: true } : { ok: false, reason: 'ECONNREFUSED' });

      start();
      await advance(500);
      expect(names()).toEqual(['starting']);
      await advance(250);

      expect(world.spawned).toHaveLength(1);
      expect(world.spawned[0].args).toEqual(
        expect.arrayContaining(['-N', '-L', '127.0.0.1:18789:127.0.0.1:18789', 'me@gw.example']),
      );
      expect(world.states).toEqual([
        { state: 'starting', attempt: 1 },
        { state: 'up', attempt: 1, localUrl: 'ws://127.0.0.1:18789', pid: 1000 },
      ]);
    });

    it('refuses a second start', () => {
      start();
      expect(() => tunnel!.start()).toThrow('already started');
    });
  });

  describe('restarts', () => {
    it('restarts ssh after it dies and comes up again', async () => {
      start();
      await advance(250);
      world.spawned[0].end({ code: null, signal: 'SIGKILL' });
      await advance(0);

      expect(world.states.slice(2)).toEqual([
        { state: 'down', kind: 'unknown', reason: 'ssh stopped (killed by SIGKILL)', fix: undefined, willRetry: true },
        { state: 'restarting', inMs: 1_000, attempt: 2 },
      ]);
      await advance(999);
      expect(world.spawned).toHaveLength(1);
      await advance(1 + 250);
      expect(world.spawned).toHaveLength(2);
      expect(last()).toEqual({ state: 'up', attempt: 2, localUrl: 'ws://127.0.0.1:18789', pid: 1001 });
    });

    it('doubles the delay after each consecutive failure, up to the cap', async () => {
      world.onSpawn = failOnSpawn('ssh: connect to host gw.example port 22: Connection refused\n');
      start();
      for (let i = 0; i < 8; i++) await advance(60_000);

      expect(
        ofState('restarting')
          .slice(0, 7)
          .map((s) => s.inMs),
      ).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
      expect(ofState('down')[0]).toMatchObject({ kind: 'connection-refused', willRetry: true });
    });

    it('takes jitter off the delay', async () => {
      world.random = 0;
      world.onSpawn = failOnSpawn('ssh: connect to host gw.example port 22: Connection refused\n');
      start({ backoff: { initialDelayMs: 1_000, maxDelayMs: 30_000 } });
      await advance(0);
      expect(ofState('restarting')[0].inMs).toBe(500);
    });

    it('starts the backoff over once the tunnel has stayed up long enough', async () => {
      let failNext = 2;
      world.onSpawn = (ssh) => {
        if (failNext-- > 0) failOnSpawn('Connection closed by 10.0.0.1 port 22\n')(ssh);
      };
      start({ stableAfterMs: 30_000 });
      await advance(0);
      await advance(1_000);
      await advance(2_000 + 250);
      expect(last().state).toBe('up');
      await advance(30_000);
      world.spawned[2].end({ code: 255, signal: null });
      await advance(0);

      expect(ofState('restarting').map((s) => s.inMs)).toEqual([1_000, 2_000, 1_000]);
    });

    it('keeps counting when the tunnel drops again soon after coming up', async () => {
      start({ stableAfterMs: 30_000 });
      await advance(250);
      world.spawned[0].end({ code: 255, signal: null });
      await advance(1_000 + 250);
      world.spawned[1].end({ code: 255, signal: null });
      await advance(0);

      expect(ofState('restarting').map((s) => s.inMs)).toEqual([1_000, 2_000]);
    });

    it('gives up after maxRestarts and reports the last failure', async () => {
      world.onSpawn = failOnSpawn('ssh: Could not resolve hostname gw.example: Name or service not known\n');
      start({ maxRestarts: 0 });
      await advance(5_000);

      expect(world.spawned).toHaveLength(1);
      expect(names()).toEqual(['starting', 'down', 'stopped']);
      expect(last()).toMatchObject({ state: 'stopped', failure: { kind: 'unreachable' } });
    });
  });

  describe('failures that need a fix', () => {
    it('stops without retrying when the server refuses the key', async () => {
      world.onSpawn = failOnSpawn('me@gw.example: Permission denied (publickey).\n');
      start({ identity: '/home/me/.ssh/id_gw' });
      await advance(60_000);

      expect(world.spawned).toHaveLength(1);
      expect(names()).toEqual(['starting', 'down', 'stopped']);
      expect(world.states[1]).toMatchObject({
        kind: 'auth',
        willRetry: false,
        reason: expect.stringContaining('/home/me/.ssh/id_gw'),
      });
      expect(last()).toMatchObject({ state: 'stopped', failure: { kind: 'auth' } });
    });

    it('reports a taken local port before starting ssh', async () => {
      world.portConflict = localPortInUse(18789, { name: 'node', pid: 42 });
      start();
      await advance(60_000);

      expect(world.spawned).toHaveLength(0);
      expect(world.states[1]).toMatchObject({
        state: 'down',
        kind: 'local-port-in-use',
        reason: 'local port 18789 is already in use by node (pid 42)',
        willRetry: false,
      });
      expect(last().state).toBe('stopped');
    });

    it('retries a taken local port once the tunnel had been up', async () => {
      start();
      await advance(250);
      world.portConflict = localPortInUse(18789);
      world.spawned[0].end({ code: 255, signal: null });
      await advance(1_000);

      expect(ofState('down')[1]).toMatchObject({
        kind: 'local-port-in-use',
        willRetry: true,
        reason: 'local port 18789 is already in use',
      });
    });

    it('says how to install ssh when it is missing', async () => {
      world.onSpawn = (ssh) =>
        ssh.end({ code: null, signal: null, error: Object.assign(new Error('spawn ssh ENOENT'), { code: 'ENOENT' }) });
      start();
      await advance(1_000);

      expect(last()).toMatchObject({
        state: 'stopped',
        failure: { kind: 'ssh-missing', fix: expect.stringContaining('openssh-client') },
      });
    });
  });

  describe('readiness', () => {
    it('restarts when ssh is connected but nothing answers on the remote port', async () => {
      world.onSpawn = (ssh) => ssh.writeStderr('channel 2: open failed: connect failed: Connection refused\n');
      world.gateway = () => ({ ok: false, reason: 'closed before the challenge (code 1006)' });
      start();
      await advance(250);

      expect(world.spawned[0].signals).toEqual(['SIGTERM']);
      expect(ofState('down')[0]).toMatchObject({ kind: 'remote-port-closed', willRetry: true });
      expect(ofState('down')[0].reason).toContain('nothing listens on 127.0.0.1:18789');
    });

    it('gives ssh readyTimeoutMs to show the handshake, then kills it and retries', async () => {
      world.gateway = () => ({ ok: false, reason: 'ECONNREFUSED' });
      start({ readyTimeoutMs: 2_000 });
      await advance(1_900);
      expect(names()).toEqual(['starting']);
      await advance(500);

      expect(world.spawned[0].signals).toEqual(['SIGTERM']);
      expect(ofState('down')[0]).toMatchObject({ kind: 'gateway-not-answering', willRetry: true });
      expect(ofState('down')[0].reason).toContain('ECONNREFUSED');
    });
  });

  describe('stop', () => {
    it('kills ssh and emits stopped without restarting', async () => {
      start();
      await advance(250);
      await tunnel!.stop();
      await advance(60_000);

      expect(world.spawned).toHaveLength(1);
      expect(world.spawned[0].signals).toEqual(['SIGTERM']);
      expect(names()).toEqual(['starting', 'up', 'stopped']);
      expect(last()).toEqual({ state: 'stopped' });
    });

    it('cancels a pending restart', async () => {
      start();
      await advance(250);
      world.spawned[0].end({ code: 255, signal: null });
      await advance(100);
      await tunnel!.stop();
      await advance(60_000);

      expect(world.spawned).toHaveLength(1);
      expect(names()).toEqual(['starting', 'up', 'down', 'restarting', 'stopped']);
    });

    it('sends SIGKILL when ssh ignores SIGTERM', async () => {
      world.onSpawn = (ssh) => (ssh.honoursSigterm = false);
      start();
      await advance(250);
      let stopped = false;
      void tunnel!.stop().then(() => (stopped = true));
      await advance(2_999);
      expect(stopped).toBe(false);
      await advance(1);

      expect(world.spawned[0].signals).toEqual(['SIGTERM', 'SIGKILL']);
      expect(stopped).toBe(true);
    });

    it('stops while ssh is still connecting', async () => {
      world.gateway = () => ({ ok: false, reason: 'ECONNREFUSED' });
      start();
      await advance(600);
      await tunnel!.stop();

      expect(world.spawned[0].running).toBe(false);
      expect(names()).toEqual(['starting', 'stopped']);
    });
  });
});
