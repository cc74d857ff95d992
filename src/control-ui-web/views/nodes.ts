import type { InvokeNodeResult, NodeSummary } from '../../common/protocol/index.js';
import { h, pill, replaceChildren, table } from '../dom.js';
import { ago, errorText, json, randomId } from '../format.js';
import type { AppContext, View } from '../view.js';
import { AllowlistEditor } from './allowlist-editor.js';

const DEFAULT_PARAMS = '{\n  "command": ["echo", "hello from the Control UI"]\n}';

export class NodesView implements View {
  readonly id = 'nodes';
  readonly title = 'Nodes';
  readonly element = h('section', { 'data-view': 'nodes' });
  private readonly list = h('div', { className: 'panel', id: 'nodes-list' });
  private readonly detail = h('pre', { id: 'node-detail', hidden: true });
  private readonly nodeSelect = h('select', { id: 'invoke-node' });
  private readonly commandInput = h('input', {
    id: 'invoke-command',
    value: 'system.run',
    list: 'invoke-commands',
    spellcheck: 'false',
  });
  private readonly commandList = h('datalist', { id: 'invoke-commands' });
  private readonly paramsInput = h('textarea', { id: 'invoke-params', spellcheck: 'false', className: 'mono' });
  private readonly timeoutInput = h('input', { id: 'invoke-timeout', type: 'number', min: '1', value: '30' });
  private readonly result = h('pre', { id: 'invoke-result', hidden: true });
  private readonly invokeError = h('p', { id: 'invoke-error', className: 'error', hidden: true });
  private readonly allowlist: AllowlistEditor;
  private reloadTimer?: number;

  constructor(private readonly ctx: AppContext) {
    this.paramsInput.value = DEFAULT_PARAMS;
    this.allowlist = new AllowlistEditor(ctx.conn);
    const form = h(
      'form',
      { id: 'invoke-form', onsubmit: (e) => (e.preventDefault(), this.invoke()) },
      h(
        'div',
        { className: 'form-row' },
        h('label', {}, 'Node', this.nodeSelect),
        h('label', {}, 'Command', this.commandInput, this.commandList),
        h('label', {}, 'Timeout (s)', this.timeoutInput),
      ),
      h('label', {}, 'Params (JSON)', this.paramsInput),
      h('div', { className: 'toolbar' }, h('button', { type: 'submit', id: 'invoke-submit' }, 'Invoke')),
      this.invokeError,
      this.result,
    );
    replaceChildren(
      this.element,
      h(
        'div',
        { className: 'toolbar' },
        h('button', { type: 'button', className: 'secondary', onclick: () => this.refresh() }, 'Refresh'),
      ),
      this.list,
      this.detail,
      h('div', { className: 'panel' }, h('h2', {}, 'Invoke a command'), form),
      this.allowlist.element,
    );
    // Nodes coming and going show up as presence changes (and the node count in health).
    ctx.conn.on('presence', () => this.reloadSoon());
    ctx.conn.on('health', () => this.reloadSoon());
  }

  refresh(): void {
    this.ctx.conn.request('node.list').then(
      ({ nodes }) => this.render(nodes),
      (error) => replaceChildren(this.list, h('p', { className: 'error' }, errorText(error))),
    );
  }

  private reloadSoon(): void {
    window.clearTimeout(this.reloadTimer);
    this.reloadTimer = window.setTimeout(() => this.refresh(), 200);
  }

  private render(nodes: NodeSummary[]): void {
    replaceChildren(
      this.list,
      h('h2', {}, 'Nodes'),
      table(
        ['name', 'node id', 'platform', 'state', 'commands', 'connected', ''],
        nodes.map((n) => [
          this.renameCell(n),
          h('code', {}, n.nodeId),
          `${n.platform ?? ''} ${n.version ?? ''}`,
          n.connected === false ? pill('offline', 'bad') : pill('online', 'ok'),
          (n.commands ?? []).join(', '),
          n.connectedAtMs ? `${ago(n.connectedAtMs)}${n.remoteIp ? ` from ${n.remoteIp}` : ''}` : '—',
          h(
            'button',
            { type: 'button', className: 'secondary', 'data-describe': n.nodeId, onclick: () => this.describe(n.nodeId) },
            'Describe',
          ),
        ]),
        'no node is connected; start one with `nestclaw node run --url … --token …`',
      ),
    );
    const selected = this.nodeSelect.value;
    replaceChildren(
      this.nodeSelect,
      ...nodes.map((n) =>
        h('option', { value: n.nodeId }, n.displayName ? `${n.displayName} (${n.nodeId.slice(0, 12)})` : n.nodeId),
      ),
    );
    if (nodes.some((n) => n.nodeId === selected)) this.nodeSelect.value = selected;
    this.allowlist.setNodes(nodes);
    const commands = new Set(nodes.flatMap((n) => n.commands ?? []));
    replaceChildren(this.commandList, ...[...commands].map((c) => h('option', { value: c })));
  }

  private renameCell(n: NodeSummary): HTMLElement {
    const input = h('input', { value: n.displayName ?? '', 'aria-label': `name of ${n.nodeId}`, maxlength: '64', size: '14' });
    const button = h('button', { type: 'button', className: 'secondary' }, 'Rename');
    button.addEventListener('click', () => {
      button.disabled = true;
      this.ctx.conn
        .request('node.rename', { nodeId: n.nodeId, displayName: input.value.trim() })
        .then(
          () => this.refresh(),
          (error) => window.alert(`Rename failed: ${errorText(error)}`),
        )
        .finally(() => (button.disabled = false));
    });
    return h('div', { className: 'actions' }, input, button);
  }

  private describe(nodeId: string): void {
    this.ctx.conn.request('node.describe', { nodeId }).then(
      (payload) => {
        this.detail.hidden = false;
        this.detail.textContent = json(payload);
      },
      (error) => {
        this.detail.hidden = false;
        this.detail.textContent = errorText(error);
      },
    );
  }

  private invoke(): void {
    this.invokeError.hidden = true;
    this.result.hidden = true;
    let params: unknown;
    try {
      params = this.paramsInput.value.trim() === '' ? undefined : JSON.parse(this.paramsInput.value);
    } catch (error) {
      return this.showInvokeError(`Params are not valid JSON: ${errorText(error)}`);
    }
    const nodeId = this.nodeSelect.value;
    if (!nodeId) return this.showInvokeError('Pick a node first.');
    const timeoutMs = Math.max(1, Number(this.timeoutInput.value) || 30) * 1000;
    const submit = this.element.querySelector<HTMLButtonElement>('#invoke-submit')!;
    submit.disabled = true;
    this.ctx.conn
      .request(
        'node.invoke',
        { nodeId, command: this.commandInput.value.trim(), params, timeoutMs, idempotencyKey: `ui-${randomId()}` },
        timeoutMs + 5_000,
      )
      .then(
        (payload) => {
          this.result.hidden = false;
          this.result.textContent = describeResult(payload);
        },
        (error) => this.showInvokeError(errorText(error)),
      )
      .finally(() => (submit.disabled = false));
  }

  private showInvokeError(message: string): void {
    this.invokeError.hidden = false;
    this.invokeError.textContent = message;
  }
}

/** system.run results read best as their output; anything else as JSON. */
function describeResult(answer: InvokeNodeResult): string {
  // The node's own answer is free-form: system.run's shape is read defensively.
  const result = (answer.payload ?? (answer.payloadJSON ? safeParse(answer.payloadJSON) : answer)) as {
    exitCode?: number;
    timedOut?: boolean;
    stdout?: string;
    stderr?: string;
  } | null;
  if (result && typeof result === 'object' && 'exitCode' in result) {
    const parts = [`exit code ${result.exitCode}${result.timedOut ? ' (timed out)' : ''}`];
    if (result.stdout) parts.push(`stdout:\n${result.stdout}`);
    if (result.stderr) parts.push(`stderr:\n${result.stderr}`);
    return parts.join('\n');
  }
  return json(result);
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
