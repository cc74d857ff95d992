import { h, pill, replaceChildren, table } from '../dom.js';
import { ago, errorText } from '../format.js';
import type { AppContext, View } from '../view.js';

export class ChannelsView implements View {
  readonly id = 'channels';
  readonly title = 'Channels';
  readonly element = h('section', { 'data-view': 'channels' });
  private readonly statusBox = h('div', { className: 'panel', id: 'channels-status' });
  private readonly codesBox = h('div', { className: 'panel', id: 'channels-codes' });
  private readonly message = h('p', { className: 'muted', role: 'status' });
  private readonly channelInput = h('input', { id: 'pair-channel', value: 'telegram', size: '10' });
  private readonly codeInput = h('input', { id: 'pair-code', placeholder: 'ABCD-1234', size: '12', spellcheck: 'false' });

  constructor(private readonly ctx: AppContext) {
    replaceChildren(
      this.element,
      h(
        'div',
        { className: 'toolbar' },
        h('button', { type: 'button', className: 'secondary', onclick: () => this.refresh() }, 'Refresh'),
        h('button', { type: 'button', className: 'secondary', onclick: () => this.loadStatus(true) }, 'Probe channels'),
      ),
      this.statusBox,
      this.codesBox,
      h(
        'form',
        {
          className: 'panel',
          onsubmit: (e) => (e.preventDefault(), this.approve(this.channelInput.value.trim(), this.codeInput.value.trim())),
        },
        h('h2', {}, 'Approve a pairing code'),
        h(
          'p',
          { className: 'muted' },
          'A person who writes to the bot gets a code; approving it lets them talk to the assistant.',
        ),
        h(
          'div',
          { className: 'form-row' },
          h('label', {}, 'Channel', this.channelInput),
          h('label', {}, 'Code', this.codeInput),
          h('button', { type: 'submit' }, 'Approve'),
        ),
        this.message,
      ),
    );
  }

  refresh(): void {
    this.loadStatus(false);
    this.loadCodes();
  }

  private loadStatus(probe: boolean): void {
    this.ctx.conn.request('channels.status', probe ? { probe: true } : {}).then(
      (payload) => {
        const channels = Object.entries(payload.channels);
        replaceChildren(
          this.statusBox,
          h('h2', {}, 'Channels'),
          table(
            ['channel', 'enabled', 'state', 'mode', 'account', 'last error', 'probe'],
            channels.map(([id, c]) => [
              id,
              c.enabled ? 'yes' : 'no',
              !c.configured
                ? pill('not configured')
                : c.running
                  ? pill(c.linked === false ? 'not linked' : 'running', c.linked === false ? 'warn' : 'ok')
                  : pill('stopped', 'bad'),
              c.mode ?? '',
              c.accountId ?? '',
              c.lastError ?? '',
              c.probe
                ? c.probe.ok
                  ? `ok ${c.probe.account?.username ? `@${c.probe.account.username}` : ''} (${c.probe.elapsedMs} ms)`
                  : `failed: ${c.probe.error ?? ''}`
                : '',
            ]),
            'this gateway has no channels',
          ),
        );
      },
      (error) => replaceChildren(this.statusBox, h('p', { className: 'error' }, errorText(error))),
    );
  }

  private loadCodes(): void {
    this.ctx.conn.request('channel.pair.list', {}).then(
      ({ pending }) => {
        replaceChildren(
          this.codesBox,
          h('h2', {}, `Pending pairing codes (${pending.length})`),
          table(
            ['channel', 'code', 'sender', 'chat', 'asked', 'expires', ''],
            pending.map((p) => [
              p.channel,
              h('code', {}, p.code),
              p.senderName ? `${p.senderName} (${p.senderId})` : p.senderId,
              p.chatId ?? '',
              ago(p.createdAtMs),
              p.expiresAtMs ? new Date(p.expiresAtMs).toLocaleTimeString() : '',
              h('button', { type: 'button', onclick: () => this.approve(p.channel, p.code) }, 'Approve'),
            ]),
            'no pairing code is waiting',
          ),
        );
      },
      (error) => replaceChildren(this.codesBox, h('p', { className: 'error' }, errorText(error))),
    );
  }

  private approve(channel: string, code: string): void {
    if (!channel || !code) {
      this.message.textContent = 'Enter the channel and the code.';
      return;
    }
    this.ctx.conn.request('channel.pair.approve', { channel, code }).then(
      (payload) => {
        this.message.textContent = `approved ${payload.senderName ?? payload.senderId} on ${channel}`;
        this.codeInput.value = '';
        this.loadCodes();
      },
      (error) => (this.message.textContent = `Approve failed: ${errorText(error)}`),
    );
  }
}
