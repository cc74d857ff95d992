import type { SessionSummary } from '../../common/protocol/index.js';
import { h, replaceChildren, table } from '../dom.js';
import { ago, errorText } from '../format.js';
import type { AppContext, View } from '../view.js';

/**
 * Sessions with their label and model; each row opens an editor below the
 * table (preview, label, model from models.list, reset, delete). Changing a
 * session needs operator.admin, which the page has when it logs in.
 */
export class SessionsView implements View {
  readonly id = 'sessions';
  readonly title = 'Sessions';
  readonly element = h('section', { 'data-view': 'sessions' });
  private readonly box = h('div', { className: 'panel', id: 'sessions-list' });
  private readonly editor = h('div', { className: 'panel', id: 'session-editor', hidden: true });
  private models: string[] = [];

  constructor(private readonly ctx: AppContext) {
    replaceChildren(
      this.element,
      h(
        'div',
        { className: 'toolbar' },
        h('button', { type: 'button', className: 'secondary', onclick: () => this.refresh() }, 'Refresh'),
      ),
      this.box,
      this.editor,
    );
  }

  refresh(): void {
    this.ctx.conn.request('sessions.list').then(
      ({ sessions }) => this.render(sessions),
      (error) => replaceChildren(this.box, h('p', { className: 'error' }, errorText(error))),
    );
    // The model list is cached by the gateway; failing to get it only leaves the model box empty.
    this.ctx.conn.request('models.list').then(
      (payload) => (this.models = payload.models.map((m) => m.id)),
      () => (this.models = []),
    );
  }

  private render(sessions: SessionSummary[]): void {
    replaceChildren(
      this.box,
      h('h2', {}, `Sessions (${sessions.length})`),
      table(
        ['session key', 'channel', 'name', 'model', 'messages', 'last activity', ''],
        sessions.map((s) => [
          h('code', {}, s.sessionKey),
          s.channel,
          s.label ?? s.displayName ?? s.chatId ?? '',
          s.model ?? 'default',
          String(s.messageCount),
          ago(s.lastMessageAtMs ?? s.createdAtMs),
          h(
            'span',
            {},
            h(
              'button',
              { type: 'button', className: 'secondary', onclick: () => this.ctx.openChat(s.sessionKey) },
              'Open in chat',
            ),
            ' ',
            h(
              'button',
              { type: 'button', 'data-action': 'edit', 'data-key': s.sessionKey, onclick: () => this.edit(s) },
              'Manage',
            ),
          ),
        ]),
        'no sessions yet',
      ),
    );
  }

  private edit(session: SessionSummary): void {
    const label = h('input', {
      type: 'text',
      id: 'session-label',
      maxlength: 64,
      value: session.label ?? '',
      placeholder: 'no label',
    });
    const model = h(
      'select',
      { id: 'session-model' },
      h('option', { value: '' }, 'default (agent.model)'),
      ...[...new Set([...(session.model ? [session.model] : []), ...this.models])].map((id) =>
        h('option', { value: id, selected: id === session.model }, id),
      ),
    );
    const result = h('p', { id: 'session-result', className: 'muted' });
    const previewList = h('ul', { className: 'session-preview', id: 'session-preview' });
    replaceChildren(
      this.editor,
      h('h2', {}, 'Session ', h('code', {}, session.sessionKey)),
      previewList,
      h(
        'div',
        { className: 'toolbar' },
        h('label', {}, 'Label ', label),
        h('label', {}, 'Model ', model),
        h(
          'button',
          { type: 'button', id: 'session-save', onclick: () => this.save(session, label.value, model.value, result) },
          'Save',
        ),
        h(
          'button',
          { type: 'button', className: 'secondary', id: 'session-reset', onclick: () => this.reset(session, result) },
          'Reset',
        ),
        h(
          'button',
          { type: 'button', className: 'danger', id: 'session-delete', onclick: () => this.remove(session, result) },
          'Delete',
        ),
      ),
      result,
    );
    this.editor.hidden = false;
    this.ctx.conn.request('sessions.preview', { keys: [session.sessionKey], limit: 6 }).then(
      ({ previews }) =>
        replaceChildren(
          previewList,
          ...(previews[0]?.items.length
            ? previews[0].items.map((i) => h('li', {}, h('strong', {}, `${i.role}: `), i.text))
            : [h('li', { className: 'muted' }, 'no turns yet')]),
        ),
      (error) => replaceChildren(previewList, h('li', { className: 'error' }, errorText(error))),
    );
  }

  private save(session: SessionSummary, label: string, model: string, result: HTMLElement): void {
    const params = {
      key: session.sessionKey,
      label: label.trim() === '' ? null : label.trim(),
      model: model === '' ? null : model,
    };
    void this.act(this.ctx.conn.request('sessions.patch', params), 'saved', result);
  }

  private reset(session: SessionSummary, result: HTMLElement): void {
    if (!confirm(`Start ${session.sessionKey} over? The agent forgets its earlier turns.`)) return;
    void this.act(
      this.ctx.conn.request('sessions.reset', { key: session.sessionKey }),
      'reset: the next message starts a new conversation',
      result,
    );
  }

  private remove(session: SessionSummary, result: HTMLElement): void {
    if (!confirm(`Delete ${session.sessionKey} and its whole transcript? This cannot be undone.`)) return;
    void this.act(this.ctx.conn.request('sessions.delete', { key: session.sessionKey }), 'deleted', result).then((ok) => {
      if (ok) this.editor.hidden = true;
    });
  }

  /** Shows the outcome under the editor; true when the call succeeded. */
  private act(call: Promise<unknown>, done: string, result: HTMLElement): Promise<boolean> {
    return call.then(
      () => {
        result.className = 'muted';
        result.textContent = done;
        this.refresh();
        return true;
      },
      (error) => {
        result.className = 'error';
        result.textContent = errorText(error);
        return false;
      },
    );
  }
}
