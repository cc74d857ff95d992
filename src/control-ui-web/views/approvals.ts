import { h, kv, replaceChildren } from '../dom.js';
import type { ExecApprovalDecision, ExecApprovalRequest } from '../../common/protocol/index.js';
import { errorText, shortId } from '../format.js';
import type { AppContext, View } from '../view.js';

type ApprovalRequest = ExecApprovalRequest;
type Decision = ExecApprovalDecision;

/**
 * Exec approval prompts. Shown only when the gateway serves the
 * `exec.approval.*` methods (hello features); otherwise the view says so.
 */
export class ApprovalsView implements View {
  readonly id = 'approvals';
  readonly title = 'Approvals';
  readonly element = h('section', { 'data-view': 'approvals' });
  private readonly box = h('div', { id: 'approvals-list' });
  private readonly message = h('p', { className: 'muted', role: 'status', id: 'approvals-message' });
  private readonly pending = new Map<string, ApprovalRequest>();
  private clock?: number;

  constructor(private readonly ctx: AppContext) {
    replaceChildren(
      this.element,
      h(
        'div',
        { className: 'toolbar' },
        h('button', { type: 'button', className: 'secondary', onclick: () => this.refresh() }, 'Refresh'),
        this.message,
      ),
      this.box,
    );
    ctx.conn.on('exec.approval.requested', (request) => {
      if (!request?.id) return;
      this.pending.set(request.id, request);
      this.render();
    });
    ctx.conn.on('exec.approval.resolved', (payload) => {
      if (payload?.id) this.pending.delete(payload.id);
      this.render();
    });
    ctx.conn.on('hello', () => this.refresh());
  }

  refresh(): void {
    if (!this.supported()) return this.render();
    this.ctx.conn.request('exec.approval.list', {}).then(
      ({ pending }) => {
        this.pending.clear();
        for (const request of pending) if (request?.id) this.pending.set(request.id, request);
        this.render();
      },
      (error) => (this.message.textContent = `Could not list approvals: ${errorText(error)}`),
    );
  }

  private supported(): boolean {
    return this.ctx.conn.hasMethod('exec.approval.list') && this.ctx.conn.hasMethod('exec.approval.resolve');
  }

  private render(): void {
    const now = Date.now();
    for (const [id, request] of this.pending) if (request.expiresAtMs && request.expiresAtMs < now) this.pending.delete(id);
    this.ctx.setBadge(this.id, this.pending.size);
    window.clearTimeout(this.clock);
    if (!this.supported()) {
      replaceChildren(
        this.box,
        h(
          'div',
          { className: 'panel' },
          h('h2', {}, 'Exec approvals'),
          h('p', { className: 'empty' }, 'This gateway does not serve exec approvals (no exec.approval.* methods).'),
        ),
      );
      return;
    }
    if (this.pending.size === 0) {
      replaceChildren(
        this.box,
        h(
          'div',
          { className: 'panel' },
          h('h2', {}, 'Exec approvals'),
          h('p', { className: 'empty' }, 'No command is waiting for approval.'),
        ),
      );
      return;
    }
    replaceChildren(this.box, ...[...this.pending.values()].map((request) => this.card(request)));
    // Keep the countdowns honest and drop expired prompts.
    this.clock = window.setTimeout(() => this.render(), 1_000);
  }

  private card(request: ApprovalRequest): HTMLElement {
    const argv = request.argv ?? [];
    const left = request.expiresAtMs ? Math.max(0, Math.round((request.expiresAtMs - Date.now()) / 1000)) : undefined;
    const buttons = h(
      'div',
      { className: 'toolbar' },
      this.button(request.id, 'allow-once', 'Allow once', ''),
      this.button(request.id, 'allow-always', 'Always allow this exact command', 'secondary'),
      this.button(request.id, 'deny', 'Deny', 'danger'),
    );
    return h(
      'div',
      { className: 'panel approval', 'data-approval-id': request.id },
      h('h2', {}, 'Run this command?'),
      h('pre', { 'data-field': 'argv' }, argv.map(shellWord).join(' ')),
      kv([
        ['runs on', hostLabel(request)],
        ['program', request.resolvedPath],
        ['directory', request.cwd ?? undefined],
        ['env', h('pre', { 'data-field': 'env' }, envText(request.env))],
        ['session', request.sessionKey ?? undefined],
        ['expires', left === undefined ? undefined : `in ${left} s (then denied)`],
      ]),
      buttons,
    );
  }

  private button(id: string, decision: Decision, label: string, tone: string): HTMLButtonElement {
    const button = h('button', { type: 'button', className: tone, 'data-decision': decision }, label);
    button.addEventListener('click', () => {
      button.disabled = true;
      this.ctx.conn.request('exec.approval.resolve', { id, decision }).then(
        () => {
          this.pending.delete(id);
          this.message.textContent = `${decision} sent`;
          this.render();
        },
        (error) => {
          this.message.textContent = `Could not resolve: ${errorText(error)}`;
          button.disabled = false;
        },
      );
    });
    return button;
  }
}

function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : JSON.stringify(text);
}

/** Every variable the caller set, one a line: what "allow" lets through must be on screen. */
function envText(env: Record<string, string> | undefined): string {
  const entries = Object.entries(env ?? {});
  return entries.length === 0 ? '(none)' : entries.map(([name, value]) => `${name}=${shellWord(value)}`).join('\n');
}

/** The machine by the name its owner gave it; the node id only to tell two of the same name apart. */
function hostLabel(request: ApprovalRequest): HTMLElement | string {
  if (request.host === 'gateway' || !request.nodeId) {
    return request.hostName ? `the gateway host (${request.hostName})` : 'the gateway host';
  }
  if (!request.hostName) return h('code', { 'data-field': 'node' }, request.nodeId);
  return h(
    'span',
    { 'data-field': 'node' },
    `node ${request.hostName} `,
    h('code', { title: request.nodeId }, shortId(request.nodeId)),
  );
}
