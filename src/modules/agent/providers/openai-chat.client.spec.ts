import * as net from 'node:net';
import { FakeOpenAi, reply } from '../../../../test/support/fake-openai';
import type { GatewayRuntime } from '../../config/gateway-runtime';
import { ChatClientError, OpenAiChatClient } from './openai-chat.client';

const BODY = { model: 'm', messages: [{ role: 'user' as const, content: 'hi' }] };

// The first call loads the openai SDK, which on a loaded machine takes seconds: only the timeout case sets a short one.
jest.setTimeout(60_000);

function clientFor(baseUrl: string, agent: Record<string, unknown> = {}) {
  return new OpenAiChatClient({
    config: { agent: { baseUrl, apiKey: 'k', timeoutMs: 30_000, ...agent } },
  } as unknown as GatewayRuntime);
}

async function errorOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe(OpenAiChatClient.name, () => {
  let fake: FakeOpenAi;
  beforeAll(async () => {
    fake = await FakeOpenAi.start();
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.requests.length = 0;
  });

  describe('complete', () => {
    it('returns the completion and sends the key', async () => {
      fake.script(reply.text('hello'));
      const completion = await clientFor(fake.baseUrl).complete(BODY, new AbortController().signal);
      expect(completion.choices[0].message.content).toBe('hello');
      expect(fake.requests[0].headers.authorization).toBe('Bearer k');
    });

    it('sends a placeholder key when none is configured', async () => {
      fake.script(reply.text('hello'));
      await clientFor(fake.baseUrl, { apiKey: undefined }).complete(BODY, new AbortController().signal);
      expect(fake.requests[0].headers.authorization).toBe('Bearer unused');
    });

    it('classifies an HTTP error by its status only, after one retry', async () => {
      fake.script(reply.status(503), reply.status(503));
      const error = await errorOf(clientFor(fake.baseUrl).complete(BODY, new AbortController().signal));
      expect(error).toEqual(new ChatClientError('http', 'the model endpoint answered HTTP 503', 503));
      expect((error as ChatClientError).status).toBe(503);
      expect(fake.requests).toHaveLength(2);
    });

    it('does not retry a 400', async () => {
      fake.script(reply.status(400), reply.text('unused'));
      const error = await errorOf(clientFor(fake.baseUrl).complete(BODY, new AbortController().signal));
      expect((error as ChatClientError).status).toBe(400);
      expect(fake.requests).toHaveLength(1);
    });

    it('classifies invalid JSON', async () => {
      fake.script({ kind: 'raw', status: 200, contentType: 'application/json', body: '{"choices": [' });
      const error = await errorOf(clientFor(fake.baseUrl).complete(BODY, new AbortController().signal));
      expect(error).toMatchObject({ kind: 'invalid-response' });
    });

    it('classifies a body that is not a chat completion', async () => {
      fake.script({ kind: 'raw', status: 200, contentType: 'text/html', body: '<html>login</html>' });
      const error = await errorOf(clientFor(fake.baseUrl).complete(BODY, new AbortController().signal));
      expect(error).toMatchObject({ kind: 'invalid-response' });
    });

    it('classifies an endpoint nobody listens on', async () => {
      const error = await errorOf(
        clientFor(`http://127.0.0.1:${await closedPort()}/v1`).complete(BODY, new AbortController().signal),
      );
      expect(error).toMatchObject({ kind: 'network' });
      expect((error as Error).message).toMatch(/^could not reach the model endpoint/);
    });

    it('classifies its own timeout', async () => {
      fake.script(reply.slow(5_000, reply.text('late')), reply.slow(5_000, reply.text('late')));
      const error = await errorOf(clientFor(fake.baseUrl, { timeoutMs: 200 }).complete(BODY, new AbortController().signal));
      expect(error).toMatchObject({ kind: 'timeout' });
    });

    it('rethrows the abort reason when the run is stopped', async () => {
      fake.script(reply.slow(5_000, reply.text('late')));
      const controller = new AbortController();
      const pending = clientFor(fake.baseUrl).complete(BODY, controller.signal);
      setTimeout(() => controller.abort(new Error('run aborted')), 50);
      expect(await errorOf(pending)).toEqual(new Error('run aborted'));
    });
  });
});
