import type { DevicePairingRequest, PairedDevice } from '../../common/protocol/index.js';
import { h, replaceChildren, table } from '../dom.js';
import { ago, errorText, shortId } from '../format.js';
import type { AppContext, View } from '../view.js';

export class DevicesView implements View {
  readonly id = 'devices';
  readonly title = 'Devices';
  readonly element = h('section', { 'data-view': 'devices' });
  private readonly pendingBox = h('div', { className: 'panel', id: 'devices-pending' });
  private readonly pairedBox = h('div', { className: 'panel', id: 'devices-paired' });
  private readonly message = h('p', { id: 'devices-message', className: 'muted', role: 'status' });

  constructor(private readonly ctx: AppContext) {
    replaceChildren(
      this.element,
      h(
        'div',
        { className: 'toolbar' },
        h('button', { type: 'button', className: 'secondary', onclick: () => this.refresh() }, 'Refresh'),
        this.message,
      ),
      this.pendingBox,
      this.pairedBox,
    );
    // Pending requests appear (and disappear) live.
    ctx.conn.on('device.pair.requested', () => this.refresh());
    ctx.conn.on('device.pair.resolved', () => this.refresh());
  }

  refresh(): void {
    this.ctx.conn.request('device.pair.list').then(
      ({ pending, paired }) => this.render(pending, paired),
      (error) => replaceChildren(this.pendingBox, h('p', { className: 'error' }, errorText(error))),
    );
  }

  private render(pending: DevicePairingRequest[], paired: PairedDevice[]): void {
    this.ctx.setBadge(this.id, pending.length);
    replaceChildren(
      this.pendingBox,
      h('h2', {}, `Pending pairing requests (${pending.length})`),
      table(
        ['device', 'name', 'platform', 'client', 'roles', 'from', 'asked', ''],
        pending.map((r) => [
          h('code', { title: r.deviceId }, shortId(r.deviceId)),
          r.displayName ?? '',
          r.platform ?? '',
          [r.clientId, r.clientMode].filter(Boolean).join(' / '),
          r.role,
          r.remoteIp ?? '',
          ago(r.createdAtMs),
          h(
            'div',
            { className: 'actions' },
            this.action(
              'Approve',
              '',
              () => this.ctx.conn.request('device.pair.approve', { requestId: r.requestId }),
              `approved ${r.displayName ?? shortId(r.deviceId)}`,
              r.requestId,
            ),
            this.action(
              'Reject',
              'danger',
              () => this.ctx.conn.request('device.pair.reject', { requestId: r.requestId }),
              `rejected ${r.displayName ?? shortId(r.deviceId)}`,
              r.requestId,
            ),
          ),
        ]),
        'no device is waiting',
      ),
    );
    replaceChildren(
      this.pairedBox,
      h('h2', {}, `Paired devices (${paired.length})`),
      table(
        ['device', 'name', 'platform', 'client', 'roles', 'approved', 'last seen', ''],
        paired.map((d) => [
          h('code', { title: d.deviceId }, shortId(d.deviceId)),
          d.displayName ?? '',
          d.platform ?? '',
          [d.clientId, d.clientMode].filter(Boolean).join(' / '),
          (d.roles ?? []).join(', '),
          ago(d.approvedAtMs),
          ago(d.lastSeenAtMs),
          h(
            'div',
            { className: 'actions' },
            this.action(
              'Revoke tokens',
              'secondary',
              () => this.ctx.conn.request('device.token.revoke', { deviceId: d.deviceId }),
              `revoked the tokens of ${shortId(d.deviceId)}`,
              d.deviceId,
            ),
            this.action(
              'Unpair',
              'danger',
              () => this.ctx.conn.request('device.token.revoke', { deviceId: d.deviceId, unpair: true }),
              `unpaired ${shortId(d.deviceId)}`,
              d.deviceId,
            ),
          ),
        ]),
        'no paired device',
      ),
    );
  }

  private action(label: string, tone: string, send: () => Promise<unknown>, done: string, key: string): HTMLButtonElement {
    const button = h('button', { type: 'button', className: tone, 'data-action': label.toLowerCase(), 'data-key': key }, label);
    button.addEventListener('click', () => {
      button.disabled = true;
      send().then(
        () => {
          this.message.textContent = done;
          this.refresh();
        },
        (error) => {
          this.message.textContent = `${label} failed: ${errorText(error)}`;
          button.disabled = false;
        },
      );
    });
    return button;
  }
}
