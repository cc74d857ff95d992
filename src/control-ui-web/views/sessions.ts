import type { SessionSummary } from '../../common/protocol/index.js';
import { h, replaceChildren, table } from '../dom.js';
import { ago, errorText } from '../format.js';
import type { AppContext, View } from '../view.js';

export class SessionsView implements View {
  readonly id = 'sessions';
  readonly title = 'Sessions';
  readonly element = h('section', { 'data-view': 'sessions' });
  private readonly box = h('div', { className: 'panel', id: 'sessions-list' });

  constructor(private readonly ctx: AppContext) {
    replaceChildren(
      this.element,
      h(
        'div',
        { className: 'toolbar' },
        h('button', { type: 'button', className: 'secondary', onclick: () => this.refresh() }, 'Refresh'),
      ),
      this.box,
    );
  }

  refresh(): void {
    this.ctx.conn.request('sessions.list').then(
      ({ sessions }) => this.render(sessions),
      (error) => replaceChildren(this.box, h('p', { className: 'error' }, errorText(error))),
    );
  }

  private render(sessions: SessionSummary[]): void {
    replaceChildren(
      this.box,
      h('h2', {}, `Sessions (${sessions.length})`),
      table(
        ['session key', 'channel', 'name', 'messages', 'last activity', ''],
        sessions.map((s) => [
          h('code', {}, s.sessionKey),
          s.channel,
          s.displayName ?? s.chatId ?? '',
          String(s.messageCount),
          ago(s.lastMessageAtMs ?? s.createdAtMs),
          h('button', { type: 'button', className: 'secondary', onclick: () => this.ctx.openChat(s.sessionKey) }, 'Open in chat'),
        ]),
        'no sessions yet',
      ),
    );
  }
}
