import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ResponseFrame } from '../../src/common/protocol';
import { LAST_RESORT_MARKER } from '../../src/common/process/last-resort';
import type { InvokeRequestEvent } from '../../src/modules/nodes/nodes.types';
import { CliRun, runCli } from '../support/cli-process';
import { freePort } from '../support/free-port';
import { isAlive } from '../support/process-state';
import { stateDirPool } from '../support/test-app';
import { OpenOptions, withTimeout, WsTestClient } from '../support/ws-test-client';

jest.setTimeout(30_000);

/**
 * Attacks from peers, as an attacker would write them, against a real
 * `nestclaw gateway run` process: a crash is a dead child, not a dead Jest.
 * Each test checks the attacker got a clear answer, and afterEach checks a
 * healthy client on the same gateway still gets answers, the process is
 * alive and the last-resort handler was never reached.
 */
const connectFrame = (id: string, clientText: string) =>
  `{"type":"req","id":"${id}","method":"connect","params":{"minProtocol":3,"maxProtocol":3,"client":${clientText}}}`;

describe('hostile peers (real gateway process)', () => {
  const pool = stateDirPool();
  let run: CliRun;
  let url: string;
  let token: string;
  let healthy: WsTestClient;
  let operator: WsTestClient;
  const opened: WsTestClient[] = [];

  const deepArrays = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
  const deepObjects = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

  async function open(options: OpenOptions = {}): Promise<WsTestClient> {
    const client = await WsTestClient.open(url, options);
    opened.push(client);
    return client;
  }

  async function connectNode(clientId: string, commands = ['test.echo']): Promise<WsTestClient> {
    const client = await open();
    const res = await client.connect({
      role: 'node',
      client: { id: clientId, version: '1.0.0', platform: 'linux', mode: 'node' },
      commands,
      auth: { token },
    });
    if (!res.ok) throw new Error(`node connect refused: ${JSON.stringify(res.error)}`);
    return client;
  }

  /** Starts a node.invoke from the operator and returns the call with the id the node received. */
  async function invokeOn(node: WsTestClient, nodeId: string, params?: unknown) {
    const call = operator.request(
      'node.invoke',
      { nodeId, command: 'test.echo', params, idempotencyKey: randomUUID(), timeoutMs: 20_000 },
      20_000,
    );
    const request = (await node.nextEvent('node.invoke.request')).payload as InvokeRequestEvent;
    return { call, id: request.id, request };
  }

  /** Sends a frame as raw text (JSON.stringify cannot build what an attacker can type) and awaits its answer. */
  function sendRawRequest(client: WsTestClient, method: string, paramsText: string): Promise<ResponseFrame> {
    const id = randomUUID();
    const answer = client.awaitResponse(id);
    client.sendRaw(`{"type":"req","id":"${id}","method":"${method}","params":${paramsText}}`);
    return answer;
  }

  const expectRefusal = (res: ResponseFrame, code: string, message: string | RegExp) => {
    expect(res.ok).toBe(false);
    expect(res.error?.code).toBe(code);
    expect(res.error?.message).toMatch(message);
  };

  beforeAll(async () => {
    const dir = pool.make();
    fs.writeFileSync(path.join(dir, 'nestclaw.json'), JSON.stringify({ gateway: { nodes: { allowCommands: ['test.*'] } } }));
    const port = await freePort();
    run = runCli(['gateway', 'run', '--port', String(port)], { NESTCLAW_STATE_DIR: dir });
    await run.waitFor(`listening on ws://127.0.0.1:${port}`);
    url = `ws://127.0.0.1:${port}`;
    token = fs.readFileSync(path.join(dir, 'gateway.token'), 'utf8').trim();
    healthy = await WsTestClient.connected(url, { auth: { token } });
    operator = await WsTestClient.connected(url, { auth: { token } });
  });

  afterEach(async () => {
    const status = await healthy.request('status', {});
    expect(status.ok).toBe(true);
    expect(run.child.exitCode).toBeNull();
    expect(isAlive(run.child.pid!)).toBe(true);
    expect(run.output()).not.toContain(LAST_RESORT_MARKER);
    await Promise.all(opened.splice(0).map((client) => client.close()));
  });

  afterAll(async () => {
    await healthy?.close();
    await operator?.close();
    if (run && run.child.exitCode === null) {
      run.child.kill('SIGTERM');
      await run.exited;
    }
    pool.removeAll();
  });

  describe('node results', () => {
    it.each([
      ['6000 nested arrays (the 12 KB crash)', deepArrays(6000)],
      ['50 000 nested objects', deepObjects(50_000)],
      ['65 nested arrays, one past the budget', deepArrays(65)],
    ])('refuses payloadJSON of %s and still accepts the good result that follows', async (_name, payloadJSON) => {
      const node = await connectNode('deep-json-node');
      const { call, id } = await invokeOn(node, 'client:deep-json-node');

      const refused = await node.request('node.invoke.result', { id, nodeId: 'client:deep-json-node', ok: true, payloadJSON });
      expectRefusal(refused, 'INVALID_REQUEST', /payloadJSON: nests arrays\/objects deeper than 64 levels/);

      const accepted = await node.request('node.invoke.result', {
        id,
        nodeId: 'client:deep-json-node',
        ok: true,
        payloadJSON: '[[1]]',
      });
      expect(accepted).toMatchObject({ ok: true, payload: { ok: true } });
      expect(await call).toMatchObject({ ok: true, payload: { payload: [[1]], payloadJSON: '[[1]]' } });
    });

    it('answers a result frame whose payload value is nested too deep by its id, and keeps the node connected', async () => {
      const node = await connectNode('deep-payload-node');
      const { call, id } = await invokeOn(node, 'client:deep-payload-node');

      const refused = await sendRawRequest(
        node,
        'node.invoke.result',
        `{"id":"${id}","nodeId":"client:deep-payload-node","ok":true,"payload":${deepArrays(6000)}}`,
      );
      expectRefusal(refused, 'INVALID_REQUEST', /^invalid frame: frame nests arrays\/objects deeper than 64 levels/);

      await node.request('node.invoke.result', { id, nodeId: 'client:deep-payload-node', ok: true, payload: { fine: true } });
      expect(await call).toMatchObject({ ok: true, payload: { payload: { fine: true } } });
    });

    it('closes a node that sends a result larger than maxPayload with 1009, and fails its call at once', async () => {
      const node = await connectNode('huge-node');
      const { call, id } = await invokeOn(node, 'client:huge-node');

      node.sendJson({
        type: 'req',
        id: randomUUID(),
        method: 'node.invoke.result',
        params: { id, nodeId: 'client:huge-node', ok: true, payloadJSON: JSON.stringify('x'.repeat(600 * 1024)) },
      });

      expect((await node.waitClosed()).code).toBe(1009);
      const answer = await call;
      expectRefusal(answer, 'UNAVAILABLE', /^node disconnected/);
    });

    it('passes data nested right up to the budget through to the node and back', async () => {
      // frame (1) > params (2) > node.invoke params (3): 62 more levels fit in the 64-level frame.
      const nested = JSON.parse(deepArrays(61)) as unknown;
      const node = await connectNode('deep-but-fine-node');
      const { call, id, request } = await invokeOn(node, 'client:deep-but-fine-node', nested);
      expect(JSON.parse(request.paramsJSON!)).toEqual(nested);

      await node.request('node.invoke.result', {
        id,
        nodeId: 'client:deep-but-fine-node',
        ok: true,
        payloadJSON: request.paramsJSON,
      });
      expect(await call).toMatchObject({ ok: true, payload: { payload: nested } });
    });
  });

  describe('node events', () => {
    it('refuses deep event payloads, as a value and as payloadJSON, and still relays a normal event', async () => {
      const node = await connectNode('chatty-node');

      expectRefusal(
        await sendRawRequest(node, 'node.event', `{"event":"screen","payload":${deepObjects(20_000)}}`),
        'INVALID_REQUEST',
        /^invalid frame: frame nests/,
      );
      expectRefusal(
        await node.request('node.event', { event: 'screen', payloadJSON: deepArrays(6000) }),
        'INVALID_REQUEST',
        /payloadJSON: nests arrays\/objects deeper than 64 levels/,
      );

      expect(await node.request('node.event', { event: 'screen', payload: { on: true } })).toMatchObject({ ok: true });
      const relayed = await healthy.nextEvent('node.event');
      expect(relayed.payload).toMatchObject({ nodeId: 'client:chatty-node', event: 'screen', payload: { on: true } });
      expect(healthy.events.filter((e) => e.event === 'node.event')).toEqual([]);
    });

    it('closes a node that sends an event larger than maxPayload with 1009', async () => {
      const node = await connectNode('flooding-node');
      node.sendJson({
        type: 'req',
        id: randomUUID(),
        method: 'node.event',
        params: { event: 'x', payload: 'y'.repeat(600 * 1024) },
      });
      expect((await node.waitClosed()).code).toBe(1009);
    });
  });

  describe('ordinary requests', () => {
    it.each([
      ['status', deepArrays(6000)],
      ['health', `{"probe":${deepObjects(10_000)}}`],
      ['node.invoke', `{"nodeId":"x","command":"test.echo","idempotencyKey":"k","params":${deepArrays(100)}}`],
    ])('answers %s with deep params by its id and keeps the connection', async (method, paramsText) => {
      const client = await WsTestClient.connected(url, { auth: { token } });
      opened.push(client);

      expectRefusal(await sendRawRequest(client, method, paramsText), 'INVALID_REQUEST', /^invalid frame: frame nests/);
      expect(await client.request('status', {})).toMatchObject({ ok: true });
    });

    it('closes a client that sends a text frame that is not UTF-8 (1007)', async () => {
      const client = await WsTestClient.connected(url, { auth: { token } });
      opened.push(client);
      client.sendRaw(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), false);
      expect((await client.waitClosed()).code).toBe(1007);
    });
  });

  describe('before the handshake', () => {
    it('answers deep connect params with a clear error and closes 1008, without an ERROR log or a stack', async () => {
      const client = await open({ localAddress: '127.0.0.2' });
      const id = randomUUID();
      const answer = client.awaitResponse(id);
      client.sendRaw(connectFrame(id, deepObjects(6000)));

      expectRefusal(await answer, 'INVALID_REQUEST', /^invalid frame: frame nests arrays\/objects deeper than 64 levels/);
      expect((await client.waitClosed()).code).toBe(1008);
      expect(run.output()).not.toMatch(/ ERROR /);
      expect(run.output()).not.toMatch(/\n\s+at /);
    });

    it('closes an oversize first frame with 1009, logging one WARN line and no stack', async () => {
      const client = await open({ localAddress: '127.0.0.2' });
      client.sendRaw('{"type":"req","id":"1","method":"connect","params":"' + 'z'.repeat(600 * 1024) + '"}');
      expect((await client.waitClosed()).code).toBe(1009);
      await run.waitFor(/WARN.*127\.0\.0\.2.*Max payload size exceeded/);
      expect(run.output()).not.toMatch(/ ERROR /);
      expect(run.output()).not.toMatch(/\n\s+at /);
    });
  });

  describe('node declarations and approvals', () => {
    it('refuses a node declaring 30 000 commands with the cap, and admits one declaring 1024', async () => {
      const many = Array.from({ length: 30_000 }, (_, i) => `test.c${i}`);
      const greedy = await open();
      const refused = await greedy.connect({
        role: 'node',
        client: { id: 'greedy-node', version: '1', platform: 'linux', mode: 'node' },
        commands: many,
        auth: { token },
      });
      expectRefusal(refused, 'INVALID_REQUEST', /^invalid params: commands: must contain no more than 1024 elements/);
      expect((await greedy.waitClosed()).code).toBe(1008);

      await connectNode('full-node', many.slice(0, 1024));
      const described = await operator.request('node.describe', { nodeId: 'client:full-node' });
      expect((described.payload as { commands: string[] }).commands).toHaveLength(1024);
    });

    it('lets one node keep at most 10 approval prompts waiting, leaving room for the others', async () => {
      const ask = (node: WsTestClient) => node.request('exec.approval.request', { argv: ['rm', '-rf', '/'] }, 20_000);
      const pendingFrom = async (nodeId: string) => {
        const res = await healthy.request('exec.approval.list', {});
        return (res.payload as { pending: Array<{ id: string; nodeId: string }> }).pending.filter((p) => p.nodeId === nodeId);
      };
      const greedy = await connectNode('approval-greedy');
      const waiting = Array.from({ length: 10 }, () => ask(greedy));
      // Requests on one socket are handled in order, so the 11th is checked once the first ten are pending.
      expectRefusal(await ask(greedy), 'UNAVAILABLE', /too many exec approval requests from node client:approval-greedy/);

      const polite = await connectNode('approval-polite');
      const politeAsk = ask(polite);
      const politePending = await withTimeout(
        (async () => {
          for (;;) {
            const found = await pendingFrom('client:approval-polite');
            if (found.length > 0) return found;
          }
        })(),
        5_000,
        'the polite node in the approval list',
      );
      expect(politePending).toHaveLength(1);
      const greedyPending = await pendingFrom('client:approval-greedy');
      expect(greedyPending).toHaveLength(10);

      // An operator answers them all, so every waiting request gets its answer.
      for (const prompt of [...greedyPending, ...politePending]) {
        expect(await healthy.request('exec.approval.resolve', { id: prompt.id, decision: 'deny' })).toMatchObject({ ok: true });
      }
      for (const answer of await Promise.all([...waiting, politeAsk])) {
        expect(answer).toMatchObject({ ok: true, payload: { decision: 'deny' } });
      }
    });
  });

  describe('the last-resort handler', () => {
    it('logs an escaped error once and keeps the process serving (reached here on purpose, never by a peer above)', async () => {
      const script = `
        const { installLastResortHandlers, LastResortPolicy } = require(${JSON.stringify(path.resolve(__dirname, '../../dist/common/process/last-resort.js'))});
        installLastResortHandlers(new LastResortPolicy((line) => console.error(line)));
        for (let i = 0; i < 3; i++) Promise.reject(new RangeError('Maximum call stack size exceeded'));
        setTimeout(() => { throw new Error('thrown in a timer'); }, 10);
        setTimeout(() => console.log('still serving'), 100);
      `;
      const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));

      expect(code).toBe(0);
      expect(output).toContain('still serving');
      expect(output.split(LAST_RESORT_MARKER)).toHaveLength(3);
      expect(output).toContain(`${LAST_RESORT_MARKER} an unhandledRejection`);
      expect(output).toContain(`${LAST_RESORT_MARKER} an uncaughtException`);
    });
  });

  // Last: it locks the loopback bucket for a minute, so no later test of this gateway could connect.
  describe('before the handshake, counted', () => {
    it('counts such mistakes toward the auth limiter: loopback is then refused even with the right token', async () => {
      const from = { localAddress: '127.0.0.3' };
      for (let i = 0; i < 10; i++) {
        const client = await open(from);
        if (i % 2 === 0) client.sendRaw(connectFrame(String(i), deepArrays(200)));
        else client.sendRaw('{"type":"req","id":"1","method":"connect","params":"' + 'z'.repeat(600 * 1024) + '"}');
        await client.waitClosed();
      }

      const attacker = await open(from);
      expectRefusal(await attacker.connect({ auth: { token } }), 'RATE_LIMITED', /too many failed authentication attempts/);
      // Every loopback alias is one bucket (docs/protocol.md, "Auth rate limit"), so another alias is refused too.
      const other = await open({ localAddress: '127.0.0.4' });
      expectRefusal(await other.connect({ auth: { token } }), 'RATE_LIMITED', /too many failed authentication attempts/);
    });
  });
});
