'use strict';
// A minimal OpenAI-compatible Chat Completions endpoint on 127.0.0.1 for the
// bench (a plain-JS cut of test/support/fake-openai.ts): POST
// /v1/chat/completions, non-streaming, answered at once.
//
// With `useTool` on, the first call of a turn asks for
//   node_invoke {node: 'bench-node', command: 'system.which', params: {bins: ['sh']}}
// and the call that carries the tool result answers a short text built from
// that result. With `useTool` off every call answers a short text directly.

const http = require('node:http');

const NODE_ID = 'bench-node';
// A node without a device identity is addressed as client:<client.id> (docs/protocol.md).
const NODE_WIRE_ID = `client:${NODE_ID}`;

class FakeOpenAi {
  constructor() {
    this.useTool = true;
    this.requests = 0;
    this.toolCalls = 0;
    this.server = http.createServer((req, res) => this.handle(req, res));
    this.server.keepAliveTimeout = 60_000;
  }

  async start() {
    await new Promise((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  /** The value for agent.baseUrl. */
  get baseUrl() {
    return `http://127.0.0.1:${this.server.address().port}/v1`;
  }

  async close() {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  handle(req, res) {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
        return send(res, 404, { error: { message: `no route ${req.method} ${req.url}` } });
      }
      let body;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return send(res, 400, { error: { message: 'body is not JSON' } });
      }
      this.requests++;
      const messages = Array.isArray(body.messages) ? body.messages : [];
      const last = messages[messages.length - 1] || {};
      let message;
      if (last.role === 'tool') {
        // The turn's second call: answer from the node's result, so the reply proves the node hop happened.
        let sh = '?';
        try {
          sh = JSON.parse(last.content).bins.sh;
        } catch {
          /* keeps '?'; the bench checks the reply text */
        }
        message = { role: 'assistant', content: `sh is at ${sh}` };
      } else if (this.useTool) {
        this.toolCalls++;
        const args = { node: NODE_WIRE_ID, command: 'system.which', params: { bins: ['sh'] } };
        message = {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: `call_${this.requests}`, type: 'function', function: { name: 'node_invoke', arguments: JSON.stringify(args) } },
          ],
        };
      } else {
        message = { role: 'assistant', content: 'hello from the bench model' };
      }
      send(res, 200, {
        id: `chatcmpl-bench-${this.requests}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: body.model,
        choices: [{ index: 0, finish_reason: message.tool_calls ? 'tool_calls' : 'stop', message }],
        usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
      });
    });
  }
}

function send(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

module.exports = { FakeOpenAi, NODE_ID };
