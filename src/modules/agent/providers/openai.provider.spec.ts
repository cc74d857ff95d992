import type { ChatCompletion, ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import type { GatewayRuntime } from '../../config/gateway-runtime';
import type { AgentTools, ToolCall } from '../tools/agent-tools';
import { ProviderFailure, type ProviderTurn } from './agent-provider';
import { ChatClientError, type ChatCompletionsClient } from './openai-chat.client';
import { DEFAULT_SYSTEM_PROMPT, OpenAiProvider } from './openai.provider';

type Step = Partial<ChatCompletion.Choice['message']> | Error;

/** Answers each call with the next scripted message and keeps every request body. */
class FakeChatClient implements ChatCompletionsClient {
  readonly bodies: ChatCompletionCreateParamsNonStreaming[] = [];
  constructor(private readonly steps: Step[]) {}

  async complete(body: ChatCompletionCreateParamsNonStreaming): Promise<ChatCompletion> {
    this.bodies.push(body);
    const step = this.steps.shift();
    if (!step) throw new Error('the test scripted no more answers');
    if (step instanceof Error) throw step;
    return {
      id: 'c',
      object: 'chat.completion',
      created: 0,
      model: body.model,
      choices: [
        {
          index: 0,
          finish_reason: 'stop',
          logprobs: null,
          message: { role: 'assistant', content: null, refusal: null, ...step },
        },
      ],
    };
  }
}

const toolCall = (id: string, name: string, args: unknown) => ({
  id,
  type: 'function' as const,
  function: { name, arguments: typeof args === 'string' ? args : JSON.stringify(args) },
});

function setup(steps: Step[], agent: Record<string, unknown> = {}) {
  const client = new FakeChatClient(steps);
  const executed: ToolCall[] = [];
  const tools = {
    definitions: () => [{ name: 'nodes_list', description: 'list', parameters: { type: 'object', properties: {} } }],
    execute: async (call: ToolCall) => {
      executed.push(call);
      return call.name === 'nodes_list'
        ? { ok: true, content: '[{"name":"garage"}]' }
        : { ok: false, content: '{"error":"node not connected"}' };
    },
  } as unknown as AgentTools;
  const gateway = { config: { agent: { model: 'test-model', maxSteps: 4, ...agent } } } as unknown as GatewayRuntime;
  const provider = new OpenAiProvider(client, tools, gateway);
  const emitted: Array<[string, Record<string, unknown>]> = [];
  const turn: ProviderTurn = {
    runId: 'r1',
    sessionKey: 's1',
    message: 'what runs in the garage?',
    history: [
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: 'hello' },
    ],
    signal: new AbortController().signal,
    timeoutMs: 5_000,
    emit: (stream, data) => emitted.push([stream, data]),
  };
  return { provider, client, executed, emitted, turn };
}

const failureOf = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    return error as ProviderFailure;
  }
  throw new Error('expected a failure');
};

describe(OpenAiProvider.name, () => {
  describe('reply', () => {
    it('sends the system prompt, the history and the message, with the tools, and returns the answer', async () => {
      const { provider, client, turn } = setup([{ content: ' All quiet. ' }]);
      expect(await provider.reply(turn)).toEqual({ text: 'All quiet.' });
      expect(client.bodies[0]).toMatchObject({
        model: 'test-model',
        messages: [
          { role: 'system', content: DEFAULT_SYSTEM_PROMPT },
          { role: 'user', content: 'hi' },
          { role: 'assistant', content: 'hello' },
          { role: 'user', content: 'what runs in the garage?' },
        ],
        tools: [{ type: 'function', function: { name: 'nodes_list' } }],
      });
    });

    it('uses agent.systemPrompt and the extra system prompt of the request', async () => {
      const { provider, client, turn } = setup([{ content: 'ok' }], { systemPrompt: 'Be a pirate.' });
      await provider.reply({ ...turn, extraSystemPrompt: 'Answer in French.' });
      expect(client.bodies[0].messages[0]).toEqual({ role: 'system', content: 'Be a pirate.\n\nAnswer in French.' });
    });

    it('loops over tool calls: runs them, sends their results back, returns the final answer', async () => {
      const { provider, client, executed, emitted, turn } = setup([
        {
          content: 'Let me look.',
          tool_calls: [toolCall('t1', 'nodes_list', {}), toolCall('t2', 'node_invoke', { node: 'attic' })],
        },
        { content: 'The garage node is there; the attic is offline.' },
      ]);
      const reply = await provider.reply(turn);

      expect(reply.text).toBe('The garage node is there; the attic is offline.');
      expect(executed.map((c) => [c.name, c.callId])).toEqual([
        ['nodes_list', 't1'],
        ['node_invoke', 't2'],
      ]);
      expect(client.bodies[1].messages.slice(4)).toEqual([
        {
          role: 'assistant',
          content: 'Let me look.',
          tool_calls: [toolCall('t1', 'nodes_list', {}), toolCall('t2', 'node_invoke', { node: 'attic' })],
        },
        { role: 'tool', tool_call_id: 't1', content: '[{"name":"garage"}]' },
        { role: 'tool', tool_call_id: 't2', content: '{"error":"node not connected"}' },
      ]);
      expect(emitted.map(([stream, data]) => [stream, data.phase ?? data.text])).toEqual([
        ['assistant', 'Let me look.'],
        ['tool', 'call'],
        ['tool', 'result'],
        ['tool', 'call'],
        ['tool', 'result'],
      ]);
      expect(emitted[1][1]).toEqual({ phase: 'call', name: 'nodes_list', callId: 't1', args: {} });
      expect(emitted[4][1]).toMatchObject({ phase: 'result', name: 'node_invoke', ok: false });
    });

    it('gives tool calls without an id one, so the results still match', async () => {
      const { provider, client, turn } = setup([{ tool_calls: [{ ...toolCall('', 'nodes_list', {}) }] }, { content: 'done' }]);
      await provider.reply(turn);
      expect(client.bodies[1].messages.at(-1)).toMatchObject({ role: 'tool', tool_call_id: 'call_1_0' });
    });

    it('gives up after agent.maxSteps model calls', async () => {
      const loop = { tool_calls: [toolCall('t', 'nodes_list', {})] };
      const { provider, client, turn } = setup([loop, loop], { maxSteps: 2 });
      const failure = await failureOf(provider.reply(turn));
      expect(failure).toBeInstanceOf(ProviderFailure);
      expect(failure.logText).toBe('tool step limit reached (agent.maxSteps = 2)');
      expect(client.bodies).toHaveLength(2);
    });

    it('fails with a hint when agent.model is not set', async () => {
      const { provider, client, turn } = setup([], { model: undefined });
      expect((await failureOf(provider.reply(turn))).userText).toContain('agent.model');
      expect(client.bodies).toHaveLength(0);
    });

    it('fails on an empty answer', async () => {
      const { provider, turn } = setup([{ content: '   ' }]);
      expect((await failureOf(provider.reply(turn))).logText).toBe('the model returned no text and no tool calls');
    });

    it.each([
      [new ChatClientError('http', 'the model endpoint answered HTTP 500', 500), 'error', /HTTP 500/],
      [new ChatClientError('http', 'the model endpoint answered HTTP 401', 401), 'error', /agent\.apiKey/],
      [new ChatClientError('http', 'the model endpoint answered HTTP 404', 404), 'error', /agent\.model/],
      [new ChatClientError('http', 'the model endpoint answered HTTP 429', 429), 'error', /rate-limited/],
      [new ChatClientError('network', 'could not reach the model endpoint (ECONNREFUSED)'), 'error', /could not reach/],
      [new ChatClientError('timeout', 'the model endpoint did not answer in time'), 'timeout', /did not answer in time/],
      [new ChatClientError('invalid-response', 'the model endpoint sent invalid JSON'), 'error', /could not read/],
    ])('turns %p into a short apology', async (error, status, userText) => {
      const { provider, turn } = setup([error]);
      const failure = await failureOf(provider.reply(turn));
      expect(failure).toBeInstanceOf(ProviderFailure);
      expect(failure.status).toBe(status);
      expect(failure.userText).toMatch(userText);
      expect(failure.logText).toBe(error.message);
    });
  });
});
