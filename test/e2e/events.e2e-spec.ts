import { createTestApp, TestApp } from '../support/test-app';
import type { EventFrame } from '../../src/common/protocol';
import { until } from '../support/fake-gateway';
import { WsTestClient } from '../support/ws-test-client';

const nodeParams = (token: string, id: string) => ({
  role: 'node' as const,
  client: { id, version: '1', platform: 'linux', mode: 'node' },
  auth: { token },
});

const hostsOf = (event: EventFrame, side: 'joined' | 'left') =>
  ((event.payload as Record<string, Array<{ host?: string }> | undefined>)[side] ?? []).map((entry) => entry.host);

const ticksOf = (client: WsTestClient) => client.events.filter((e) => e.event === 'tick').length;

describe('broadcast events', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await createTestApp({ config: { gateway: { limits: { tickIntervalMs: 150 } } } });
  });
  afterAll(() => app.close());

  it('sends ticks at the advertised interval with an increasing per-connection seq', async () => {
    const client = await WsTestClient.connected(app.url, { auth: { token: app.token } });
    const first = await client.nextEvent('tick', 2_000);
    const second = await client.nextEvent('tick', 2_000);
    expect((first.payload as { ts: number }).ts).toEqual(expect.any(Number));
    expect(second.seq).toBeGreaterThan(first.seq!);
    await client.close();
  });

  it('coalesces presence: many joins within a window arrive as one event with the net change', async () => {
    const watcher = await WsTestClient.connected(app.url, {
      client: { id: 'presence-watcher', version: '1', platform: 'linux', mode: 'cli' },
      auth: { token: app.token },
    });
    // The watcher's own join comes first (alone, or with whatever was pending when it connected).
    await watcher.nextEventWhere('presence', (e) => hostsOf(e, 'joined').includes('presence-watcher'), 5_000);
    watcher.events.length = 0;
    const joiners = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        WsTestClient.connected(app.url, {
          client: { id: `joiner-${i}`, version: '1', platform: 'linux', mode: 'cli' },
          auth: { token: app.token },
        }),
      ),
    );
    const event = await watcher.nextEvent('presence', 2_000);
    const payload = event.payload as { joined: Array<{ host: string }>; left: unknown[] };
    expect(payload.joined.map((e) => e.host).sort()).toEqual(['joiner-0', 'joiner-1', 'joiner-2', 'joiner-3', 'joiner-4']);
    expect(event.stateVersion!.presence).toBeGreaterThan(0);

    await Promise.all(joiners.map((j) => j.close()));
    const leftEvent = await watcher.nextEvent('presence', 2_000);
    // The very next presence version: the five joins sent nothing after their one event.
    expect(watcher.events.filter((e) => e.event === 'presence')).toHaveLength(0);
    expect((leftEvent.payload as { left: unknown[] }).left).toHaveLength(5);
    expect(leftEvent.stateVersion!.presence).toBe(event.stateVersion!.presence + 1);
    await watcher.close();
  });

  it('sends a storm of joins as one truncated presence event; system-presence has everyone', async () => {
    const watcher = await WsTestClient.connected(app.url, {
      client: { id: 'storm-watcher', version: '1', platform: 'linux', mode: 'cli' },
      auth: { token: app.token },
    });
    const own = await watcher.nextEventWhere('presence', (e) => hostsOf(e, 'joined').includes('storm-watcher'), 5_000);
    const countBefore = (own.payload as { count: number }).count;
    // Sockets opened first, then every connect sent at once, so the joins land in as few windows as possible.
    const joiners = await Promise.all(Array.from({ length: 100 }, () => WsTestClient.open(app.url)));
    await Promise.all(
      joiners.map((joiner, i) =>
        joiner.connect({
          client: { id: `storm-${i}`, version: '1', platform: 'linux', mode: 'cli' },
          auth: { token: app.token },
        }),
      ),
    );

    const event = await watcher.nextEventWhere(
      'presence',
      (e) => (e.payload as { truncated?: boolean }).truncated === true,
      5_000,
    );
    const payload = event.payload as { joined: unknown[]; left: unknown[]; count: number };
    expect(payload.joined).toEqual([]);
    expect(payload.left).toEqual([]);
    const everyone = (await watcher.request('system-presence')).payload as Array<{ host: string }>;
    expect(everyone.filter((entry) => entry.host.startsWith('storm-'))).toHaveLength(101);
    await Promise.all(joiners.map((j) => j.close()));
    // The leaves' event too, so the next test does not share its window.
    await watcher.nextEventWhere('presence', (e) => (e.payload as { count: number }).count <= countBefore, 5_000);
    await watcher.close();
  });

  it('does not send presence or health events to nodes', async () => {
    const other = await WsTestClient.connected(app.url, { auth: { token: app.token } });
    const node = await WsTestClient.connected(app.url, nodeParams(app.token, 'quiet-node'));
    // The operator hears of the node's join on both events; anything sent to the node as well is queued before
    // the ticks that follow on the same socket, so two more ticks mean it would have arrived.
    await other.nextEventWhere('presence', (e) => hostsOf(e, 'joined').includes('quiet-node'), 5_000);
    await other.nextEventWhere('health', (e) => (e.payload as { nodes: { connected: number } }).nodes.connected > 0, 5_000);
    const ticksSoFar = ticksOf(node);
    await until(() => (ticksOf(node) >= ticksSoFar + 2 ? true : undefined), 5_000, 'two more ticks on the node');
    expect(node.events.filter((e) => e.event === 'presence' || e.event === 'health')).toEqual([]);
    expect(node.events.some((e) => e.event === 'tick')).toBe(true);
    await other.close();
    await node.close();
  });

  it('answers health calls to the caller only and emits a health event only when the snapshot changes', async () => {
    // A gateway of its own, so no earlier node's change is still waiting out the health throttle.
    const quiet = await createTestApp();
    try {
      const watcher = await WsTestClient.connected(quiet.url, { auth: { token: quiet.token } });
      const caller = await WsTestClient.connected(quiet.url, { auth: { token: quiet.token } });
      watcher.events.length = 0;
      for (let i = 0; i < 30; i++) expect((await caller.request('health')).ok).toBe(true);
      expect(watcher.events.filter((e) => e.event === 'health')).toEqual([]);

      const node = await WsTestClient.connected(quiet.url, nodeParams(quiet.token, 'health-node'));
      const event = await watcher.nextEvent('health', 2_500);
      expect(event.payload).toMatchObject({ nodes: { connected: 1 } });
      expect(event.stateVersion!.health).toBeGreaterThan(0);
      // The first health event this gateway sent: thirty calls and two operator joins broadcast none.
      expect(event.stateVersion!.health).toBe(1);
      await Promise.all([node.close(), caller.close(), watcher.close()]);
    } finally {
      await quiet.close();
    }
  });
});

describe('slow consumer', () => {
  let app: TestApp;

  beforeAll(async () => {
    // The client below reads its close frame only after the whole loop, which can take long on a loaded machine.
    app = await createTestApp({ config: { gateway: { limits: { maxBufferedBytes: 16 * 1024, slowConsumerGraceMs: 120_000 } } } });
  });
  afterAll(() => app.close());

  it('disconnects a client that stops reading with 1008 "slow consumer", and keeps serving others', async () => {
    const slow = await WsTestClient.connected(app.url, { auth: { token: app.token } });
    const healthy = await WsTestClient.connected(app.url, { auth: { token: app.token } });
    // Stop reading: the gateway's writes back up once the kernel buffers are full.
    const raw = (slow.socket as unknown as { _socket: import('node:net').Socket })._socket;
    raw.pause();
    const request = JSON.stringify({ type: 'req', id: 'x', method: 'status' });
    for (let batch = 0; batch < 400 && slow.socket.readyState === slow.socket.OPEN; batch++) {
      for (let i = 0; i < 100; i++) slow.socket.send(request);
      if ((await healthy.request('status')).ok !== true) throw new Error('healthy client was not served');
    }
    raw.resume();
    expect(await slow.waitClosed(10_000)).toEqual({ code: 1008, reason: 'slow consumer' });
    expect((await healthy.request('status')).ok).toBe(true);
    await healthy.close();
  }, 30_000);

  it('answers a burst of requests whose answers together pass maxBufferedBytes, to a client that reads', async () => {
    // Arrange: the requests leave in one write, so the gateway reads them in one go and answers them in one turn.
    const client = await WsTestClient.connected(app.url, { auth: { token: app.token } });
    const raw = (client.socket as unknown as { _socket: import('node:net').Socket })._socket;
    const ids = Array.from({ length: 100 }, (_, i) => `burst-${i}`);

    // Act
    raw.cork();
    const answers = ids.map((id) => client.awaitResponse(id, 10_000));
    for (const id of ids) client.sendJson({ type: 'req', id, method: 'status' });
    raw.uncork();

    // Assert: 100 status answers are several times the 16 KiB budget.
    const frames = await Promise.all(answers);
    expect(frames.every((frame) => frame.ok)).toBe(true);
    expect(JSON.stringify(frames).length).toBeGreaterThan(3 * 16 * 1024);
    expect(client.socket.readyState).toBe(client.socket.OPEN);
    await client.close();
  }, 30_000);
});
