import type { ExecAllowlistEntry, ExecAllowlistSnapshot, ExecApprovalsFile } from '../../common/protocol/index.js';
import { h, replaceChildren, table } from '../dom.js';
import { errorText } from '../format.js';
import type { GatewayConnection } from '../gateway-connection.js';

const GATEWAY = '';

/**
 * The exec allowlist of the gateway host or of one node (exec.approvals.get/set,
 * exec.approvals.node.get/set). Each save sends the hash it loaded, so an edit
 * made elsewhere in between is refused rather than overwritten; the node
 * checks the file again and may refuse remote edits altogether.
 */
export class AllowlistEditor {
  readonly element = h('div', { className: 'panel', id: 'allowlist-editor' });
  private readonly target = h('select', { id: 'allowlist-target', 'aria-label': 'whose allowlist' });
  private readonly entries = h('div', { id: 'allowlist-entries' });
  private readonly status = h('p', { id: 'allowlist-status', className: 'empty' });
  private readonly error = h('p', { id: 'allowlist-error', className: 'error', hidden: true });
  private readonly pattern = h('input', {
    id: 'allowlist-pattern',
    placeholder: '/usr/bin/uptime, git or ~/bin/*',
    spellcheck: 'false',
  });
  private readonly args = h('input', {
    id: 'allowlist-args',
    placeholder: '["status","**"] (empty: any arguments)',
    spellcheck: 'false',
  });
  private readonly note = h('input', { id: 'allowlist-note', placeholder: 'why (optional)' });
  private snapshot?: ExecAllowlistSnapshot;

  constructor(private readonly conn: GatewayConnection) {
    replaceChildren(
      this.element,
      h('h2', {}, 'Exec allowlist'),
      h(
        'div',
        { className: 'form-row' },
        h('label', {}, 'Host', this.target),
        h('button', { type: 'button', className: 'secondary', id: 'allowlist-load', onclick: () => this.load() }, 'Load'),
      ),
      this.status,
      this.entries,
      h(
        'form',
        { id: 'allowlist-form', onsubmit: (e) => (e.preventDefault(), this.add()) },
        h(
          'div',
          { className: 'form-row' },
          h('label', {}, 'Pattern', this.pattern),
          h('label', {}, 'Arguments (JSON)', this.args),
          h('label', {}, 'Note', this.note),
        ),
        h('div', { className: 'toolbar' }, h('button', { type: 'submit', id: 'allowlist-add' }, 'Add')),
      ),
      this.error,
    );
    this.target.addEventListener('change', () => this.load());
  }

  /** The hosts to choose from: the gateway itself and every known node. */
  setNodes(nodes: Array<{ nodeId: string; displayName?: string }>): void {
    const selected = this.target.value;
    replaceChildren(
      this.target,
      h('option', { value: GATEWAY }, 'gateway host'),
      ...nodes.map((n) => h('option', { value: n.nodeId }, `node ${n.displayName ?? n.nodeId.slice(0, 12)}`)),
    );
    if ([GATEWAY, ...nodes.map((n) => n.nodeId)].includes(selected)) this.target.value = selected;
  }

  /** `keepError`: after a refused save, the refusal stays on screen while the table is reloaded. */
  load(keepError = false): void {
    if (!keepError) this.showError(undefined);
    const nodeId = this.target.value;
    const request =
      nodeId === GATEWAY ? this.conn.request('exec.approvals.get') : this.conn.request('exec.approvals.node.get', { nodeId });
    request.then(
      (snapshot) => this.render(snapshot),
      (error) => {
        this.snapshot = undefined;
        replaceChildren(this.entries);
        this.status.textContent = '';
        this.showError(errorText(error));
      },
    );
  }

  private render(snapshot: ExecAllowlistSnapshot): void {
    this.snapshot = snapshot;
    const rows = Object.entries(snapshot.file.agents ?? {}).flatMap(([agent, value]) =>
      (value.allowlist ?? []).map((entry, index) => ({ agent, index, entry })),
    );
    this.status.textContent = [
      snapshot.exists ? '' : 'No file yet: nothing runs without an approval.',
      snapshot.migrated ? 'Earlier format: converted on the next save.' : '',
      snapshot.remoteEdits === false ? 'Read-only: this node refuses remote edits (--no-remote-policy).' : '',
    ]
      .filter(Boolean)
      .join(' ');
    const readOnly = snapshot.remoteEdits === false;
    replaceChildren(
      this.entries,
      table(
        ['agent', 'pattern', 'arguments', 'env', 'note', ''],
        rows.map(({ agent, index, entry }) => [
          agent,
          h('code', {}, entry.pattern),
          entry.argPattern !== undefined ? `argPattern (not honoured)` : entry.args ? JSON.stringify(entry.args) : 'any',
          (entry.env ?? []).join(', '),
          entry.note ?? '',
          readOnly
            ? ''
            : h(
                'button',
                {
                  type: 'button',
                  className: 'secondary',
                  'data-remove': entry.pattern,
                  onclick: () => this.remove(agent, index),
                },
                'Remove',
              ),
        ]),
        'the allowlist is empty',
      ),
    );
    (this.element.querySelector('#allowlist-add') as HTMLButtonElement).disabled = readOnly;
  }

  private add(): void {
    const current = this.snapshot;
    if (!current) return this.showError('Load an allowlist first.');
    const pattern = this.pattern.value.trim();
    if (pattern === '') return this.showError('Give a pattern: an absolute path (globs *, **, ?), ~/path or a bare name.');
    const entry: ExecAllowlistEntry = { pattern };
    if (this.args.value.trim() !== '') {
      try {
        const args: unknown = JSON.parse(this.args.value);
        if (!Array.isArray(args) || !args.every((a) => typeof a === 'string')) throw new Error('not a list of strings');
        entry.args = args;
      } catch (error) {
        return this.showError(`Arguments must be a JSON array of strings, e.g. ["status","**"] (${errorText(error)}).`);
      }
    }
    if (this.note.value.trim() !== '') entry.note = this.note.value.trim();
    const agents = { ...(current.file.agents ?? {}) };
    const all = agents['*'] ?? {};
    agents['*'] = { ...all, allowlist: [...(all.allowlist ?? []), entry] };
    this.save({ ...current.file, agents }, () => {
      this.pattern.value = '';
      this.args.value = '';
      this.note.value = '';
    });
  }

  private remove(agent: string, index: number): void {
    const current = this.snapshot;
    if (!current) return;
    const agents = { ...(current.file.agents ?? {}) };
    const value = agents[agent] ?? {};
    agents[agent] = { ...value, allowlist: (value.allowlist ?? []).filter((_, i) => i !== index) };
    this.save({ ...current.file, agents });
  }

  private save(file: ExecApprovalsFile, done?: () => void): void {
    const current = this.snapshot!;
    const nodeId = this.target.value;
    const params = { file, ...(current.exists ? { baseHash: current.hash } : {}) };
    this.showError(undefined);
    const request =
      nodeId === GATEWAY
        ? this.conn.request('exec.approvals.set', params)
        : this.conn.request('exec.approvals.node.set', { nodeId, ...params });
    request.then(
      (snapshot) => {
        this.render(snapshot);
        done?.();
      },
      // A stale hash says "read it again": the table is reloaded so the next try starts from what is stored.
      (error) => {
        this.showError(errorText(error));
        this.load(true);
      },
    );
  }

  private showError(message: string | undefined): void {
    this.error.hidden = message === undefined;
    this.error.textContent = message ?? '';
  }
}
