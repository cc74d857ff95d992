import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the fake answers to one chat completion request. */
export type FakeReply =
  | { kind: 'message'; content?: string | null; toolCalls?: FakeToolCall[] }
  | { kind: 'status'; status: number; body: unknown }
  | { kind: 'raw'; status: number; contentType: string; body: string }
  | { kind: 'slow'; delayMs: number; then: FakeReply };

export interface FakeToolCall {
  id: string;
  name: string;
  arguments: unknown;
}

/** One request the fake received. */
export interface ChatRequest {
  /** 0-based, over the fake's lifetime. */
  index: number;
  headers: http.IncomingHttpHeaders;
  body: {
    model: string;
    messages: Array<{ role: string; content?: string | null; tool_call_id?: string; tool_calls?: unknown[] }>;
    tools?: Array<{ type: string; function: { name: string } }>;
    [key: string]: unknown;
  };
}

export type ChatResponder = (request: ChatRequest) => FakeReply;

export const reply = {
  text: (content: string): FakeReply => ({ kind: 'message', content }),
  tools: (...toolCalls: FakeToolCall[]): FakeReply => ({ kind: 'message', content: null, toolCalls }),
  status: (status: number, body: unknown = { error: { message: 'upstream exploded', type: 'server_error' } }): FakeReply => ({
    kind: 'status',
    status,
    body,
  }),
  slow: (delayMs: number, then: FakeReply): FakeReply => ({ kind: 'slow', delayMs, then }),
};

/**
 * An OpenAI-compatible Chat Completions endpoint on 127.0.0.1 for tests:
 * `POST /v1/chat/completions`, non-streaming, answered by a responder the
 * test sets (by default from a queue filled with `script()`).
 */
export class FakeOpenAi {
  readonly requests: ChatRequest[] = [];
  /** What `GET /v1/models` lists; set `modelsReply` to answer it some other way. */
  models: string[] = ['fake-large', 'fake-small'];
  modelsReply?: FakeReply;
  /** How many times `GET /v1/models` was asked, with the authorization header each time. */
  readonly modelRequests: Array<{ authorization?: string }> = [];
  private responder: ChatResponder = () => reply.status(500, { error: { message: 'the test scripted no answer' } });
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(private readonly server: http.Server) {}

  static async start(): Promise<FakeOpenAi> {
    let fake: FakeOpenAi | undefined;
    const server = http.createServer((req, res) => fake!.handle(req, res));
    fake = new FakeOpenAi(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  /** The value for agent.baseUrl. */
  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  respondWith(responder: ChatResponder): void {
    this.responder = responder;
  }

  /** Answers the next requests with these replies, in order; further requests get a 500. */
  script(...replies: FakeReply[]): void {
    const queue = [...replies];
    this.responder = () => queue.shift() ?? reply.status(500, { error: { message: 'the test scripted no more answers' } });
  }

  async close(): Promise<void> {
    this.timers.forEach(clearTimeout);
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method === 'GET' && req.url === '/v1/models') {
        this.modelRequests.push({ authorization: req.headers.authorization });
        const list = { object: 'list', data: this.models.map((id) => ({ id, object: 'model', owned_by: 'fake' })) };
        this.send(
          res,
          this.modelsReply ?? { kind: 'raw', status: 200, contentType: 'application/json', body: JSON.stringify(list) },
          '',
        );
        return;
      }
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
        this.send(res, { kind: 'status', status: 404, body: { error: { message: `no route ${req.method} ${req.url}` } } }, '');
        return;
      }
      const request: ChatRequest = {
        index: this.requests.length,
        headers: req.headers,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
      };
      this.requests.push(request);
      this.send(res, this.responder(request), request.body.model);
    });
  }

  private send(res: http.ServerResponse, answer: FakeReply, model: string): void {
    switch (answer.kind) {
      case 'slow': {
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          if (!res.destroyed) this.send(res, answer.then, model);
        }, answer.delayMs);
        this.timers.add(timer);
        res.on('close', () => {
          clearTimeout(timer);
          this.timers.delete(timer);
        });
        return;
      }
      case 'status':
        res
          .writeHead(answer.status, { 'content-type': 'application/json', 'retry-after-ms': '10' })
          .end(JSON.stringify(answer.body));
        return;
      case 'raw':
        res.writeHead(answer.status, { 'content-type': answer.contentType }).end(answer.body);
        return;
      case 'message':
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(completion(answer, model)));
    }
  }
}

function completion(answer: Extract<FakeReply, { kind: 'message' }>, model: string) {
  const toolCalls = answer.toolCalls?.map((call) => ({
    id: call.id,
    type: 'function',
    function: {
      name: call.name,
      arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments),
    },
  }));
  return {
    id: `chatcmpl-${Math.random().toString(36).slice(2)}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        finish_reason: toolCalls?.length ? 'tool_calls' : 'stop',
        message: { role: 'assistant', content: answer.content ?? null, ...(toolCalls?.length ? { tool_calls: toolCalls } : {}) },
      },
    ],
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
  };
}
