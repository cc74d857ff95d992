import type { GatewayStatus, HealthSnapshot, PresenceEntry } from '../../common/protocol/index.js';
import { h, kv, pill, replaceChildren, table } from '../dom.js';
import { duration, errorText } from '../format.js';
import type { AppContext, View } from '../view.js';

export class OverviewView implements View {
  readonly id = 'overview';
  readonly title = 'Overview';
  readonly element = h('section', { 'data-view': 'overview' });
  private readonly healthBox = h('div', { className: 'panel', id: 'overview-health' });
  private readonly statusBox = h('div', { className: 'panel', id: 'overview-status' });
  private readonly presenceBox = h('div', { className: 'panel', id: 'overview-presence' });
  private readonly auditBox = h('div', { className: 'panel', id: 'overview-audit' });

  constructor(private readonly ctx: AppContext) {
    replaceChildren(
      this.element,
      h(
        'div',
        { className: 'toolbar' },
        h('button', { type: 'button', className: 'secondary', onclick: () => this.refresh() }, 'Refresh'),
      ),
      h('div', { className: 'grid' }, this.healthBox, this.statusBox),
      this.presenceBox,
      this.auditBox,
    );
    ctx.conn.on('health', (health) => this.renderHealth(health));
    ctx.conn.on('presence', () => this.loadPresence());
  }

  refresh(): void {
    const { conn } = this.ctx;
    // The hello snapshot is a health snapshot once the health module runs (an empty object before it plugs in).
    if (conn.hello) this.renderHealth(conn.hello.snapshot.health as HealthSnapshot);
    conn.request('health').then(
      (health) => this.renderHealth(health),
      (error) => this.fail(this.healthBox, 'Health', error),
    );
    conn.request('status').then(
      (status) => this.renderStatus(status),
      (error) => this.fail(this.statusBox, 'Status', error),
    );
    this.loadPresence();
    this.loadAudit();
  }

  /** Only admins may run the audit; others see how to run it on the host. */
  private loadAudit(): void {
    const hint = h(
      'p',
      {},
      'On the gateway host run ',
      h('code', {}, 'nestclaw security audit'),
      ' (add ',
      h('code', {}, '--fix'),
      ' to tighten file permissions).',
    );
    if (!this.ctx.conn.hasMethod('security.audit')) {
      replaceChildren(this.auditBox, h('h2', {}, 'Security audit'), hint);
      return;
    }
    this.ctx.conn.request('security.audit').then(
      (audit) =>
        replaceChildren(
          this.auditBox,
          h('h2', {}, 'Security audit'),
          table(
            ['severity', 'finding', 'fix'],
            audit.findings.map((f) => [
              pill(f.severity, f.severity === 'critical' ? 'bad' : f.severity === 'warn' ? 'warn' : 'ok'),
              f.message,
              f.fix,
            ]),
            'no findings',
          ),
          hint,
        ),
      (error) => this.fail(this.auditBox, 'Security audit', error),
    );
  }

  private loadPresence(): void {
    this.ctx.conn.request('system-presence').then(
      (entries) => this.renderPresence(entries),
      (error) => this.fail(this.presenceBox, 'Connected clients', error),
    );
  }

  private renderHealth(health: HealthSnapshot): void {
    if (!health) return;
    const channels = Object.entries(health.channels ?? {});
    replaceChildren(
      this.healthBox,
      h('h2', {}, 'Health ', health.ok ? pill('ok', 'ok') : pill('degraded', 'bad')),
      kv([
        ['uptime', duration(health.uptimeMs)],
        ['nodes connected', String(health.nodes?.connected ?? 0)],
        ['sessions', String(health.sessions?.count ?? 0)],
        ['checked', health.ts ? new Date(health.ts).toLocaleTimeString() : '—'],
      ]),
      h('h3', {}, 'Channels'),
      table(
        ['channel', 'state', 'last error'],
        channels.map(([id, c]) => [
          id,
          c.running
            ? pill(c.linked === false ? 'running, not linked' : 'running', c.linked === false ? 'warn' : 'ok')
            : pill('stopped', 'bad'),
          c.lastError ?? '',
        ]),
        'no channel enabled',
      ),
    );
  }

  private renderStatus(s: GatewayStatus): void {
    const ts = s.tailscale;
    const tailscale = ts
      ? `${ts.mode}${ts.state && ts.state !== ts.mode ? ` (${ts.state})` : ''}${ts.url ? ` ${ts.url}` : ''}`
      : '—';
    replaceChildren(
      this.statusBox,
      h('h2', {}, 'Status'),
      kv([
        ['version', s.version],
        ['host', s.host],
        ['uptime', duration(s.uptimeMs)],
        ['bind', s.bind ? `${s.bind.mode} → ${(s.bind.hosts ?? []).join(', ')} port ${s.bind.port}` : '—'],
        ['auth mode', s.auth?.mode],
        ['tailscale', tailscale],
        ['TLS', s.tls?.enabled ? `on, ${s.tls.fingerprintSha256 ?? ''}` : 'off'],
        ['connections', s.connections ? `${s.connections.operators} operators, ${s.connections.nodes} nodes` : '—'],
        ['config', s.configPath],
        ['state dir', s.stateDir],
      ]),
    );
  }

  private renderPresence(entries: PresenceEntry[]): void {
    replaceChildren(
      this.presenceBox,
      h('h2', {}, 'Connected clients'),
      table(
        ['host', 'mode', 'roles', 'platform', 'version', 'ip', 'since'],
        entries.map((e) => [
          e.host,
          e.mode,
          (e.roles ?? []).join(', '),
          e.platform,
          e.version,
          e.ip ?? '',
          e.ts ? new Date(e.ts).toLocaleTimeString() : '',
        ]),
        'nobody is connected',
      ),
    );
  }

  private fail(box: HTMLElement, title: string, error: unknown): void {
    replaceChildren(box, h('h2', {}, title), h('p', { className: 'error' }, errorText(error)));
  }
}
