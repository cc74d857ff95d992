import type { HelloOk, PresenceEntry } from '../../src/common/protocol';
import { PRESENCE_SNAPSHOT_OTHERS } from '../../src/modules/health/presence.service';
import { createTestApp, TestApp } from '../support/test-app';
import { WsTestClient } from '../support/ws-test-client';

jest.setTimeout(30_000);

/**
 * hello-ok carries a bounded presence summary, not the whole list: with N
 * clients connecting, N full lists would cost O(N²) bytes and CPU. The full
 * list is one `system-presence` call away, redacted by the caller's scopes.
 */
describe('hello-ok presence summary', () => {
  let app: TestApp;
  const opened: WsTestClient[] = [];

  async function connect(params: Record<string, unknown> = {}): Promise<{ client: WsTestClient; hello: HelloOk; bytes: number }> {
    const client = await WsTestClient.open(app.url);
    opened.push(client);
    const res = await client.connect({ auth: { token: app.token }, ...params });
    if (!res.ok) throw new Error(`connect refused: ${JSON.stringify(res.error)}`);
    const hello = res.payload as HelloOk;
    return { client, hello, bytes: JSON.stringify(hello).length };
  }

  const operators = (count: number) =>
    Promise.all(
      Array.from({ length: count }, (_, i) =>
        connect({ client: { id: 'cli', version: '1', platform: 'linux', mode: 'cli', displayName: `operator-${i}` } }),
      ),
    );

  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(async () => {
    await Promise.all(opened.map((client) => client.close()));
    await app.close();
  });

  it('keeps hello-ok the same size whether 10 or 60 clients are connected', async () => {
    await operators(10);
    const few = await connect();
    await operators(50);
    const many = await connect();

    // Same shape, same entry count; only ids and timestamps differ in length by a few bytes.
    expect(many.hello.snapshot.presence).toHaveLength(few.hello.snapshot.presence.length);
    expect(many.hello.snapshot.presence).toHaveLength(2 + PRESENCE_SNAPSHOT_OTHERS);
    expect(Math.abs(many.bytes - few.bytes)).toBeLessThan(64);

    // The summary always names the gateway and the caller itself.
    const keys = many.hello.snapshot.presence.map((entry) => entry.key);
    expect(keys.slice(0, 2)).toEqual(['gateway', many.hello.server.connId]);

    // Everyone is still there, on demand.
    const full = (await many.client.request('system-presence')).payload as PresenceEntry[];
    expect(full.length).toBeGreaterThanOrEqual(62);
    expect(full.map((entry) => entry.key)).toEqual(expect.arrayContaining(keys));
  });

  it('lists nodes in the summary before other operators', async () => {
    const node = await connect({
      role: 'node',
      client: { id: 'summary-node', version: '1', platform: 'linux', mode: 'node' },
    });
    expect(node.hello.snapshot.presence).toEqual([]);

    const { hello } = await connect();
    expect(hello.snapshot.presence.map((entry) => entry.host)).toContain('summary-node');
  });

  it('answers system-presence with every entry, redacted below operator.admin', async () => {
    const reader = await connect({ scopes: ['operator.read'] });
    const admin = await connect();

    const forReader = (await reader.client.request('system-presence')).payload as PresenceEntry[];
    const forAdmin = (await admin.client.request('system-presence')).payload as PresenceEntry[];
    expect(forReader.map((entry) => entry.key).sort()).toEqual(forAdmin.map((entry) => entry.key).sort());
    for (const entry of forReader) {
      expect(entry).not.toHaveProperty('ip');
      expect(entry).not.toHaveProperty('scopes');
    }
    const ownAsAdmin = forAdmin.find((entry) => entry.key === admin.hello.server.connId)!;
    expect(ownAsAdmin).toMatchObject({ ip: '127.0.0.1', scopes: ['operator.admin'] });

    // The summary in hello-ok follows the same redaction.
    for (const entry of reader.hello.snapshot.presence) expect(entry).not.toHaveProperty('ip');

    const writerOnly = await connect({ scopes: ['operator.pairing'] });
    const refused = await writerOnly.client.request('system-presence');
    expect(refused.ok).toBe(false);
    expect(refused.error?.message).toContain('missing scope');
  });
});
