import { h, replaceChildren } from '../dom.js';
import { errorText } from '../format.js';
import type { AppContext, View } from '../view.js';

/** Lines kept on the page; older ones are dropped so a long follow cannot grow the tab without bound. */
const MAX_LINES = 2_000;
const POLL_MS = 2_000;
const LEVEL = /^\S+Z (ERROR|WARN|INFO|DEBUG|VERBOSE)\b|"level":"(error|warn|info|debug|verbose)"/;

/**
 * The gateway's log, followed with logs.tail while this tab is open (the
 * reference's polling model: each answer's cursor asks for what came after).
 * Lines are text nodes only; the gateway redacted secrets before storing them.
 */
export class LogsView implements View {
  readonly id = 'logs';
  readonly title = 'Logs';
  readonly element = h('section', { 'data-view': 'logs' });
  private readonly output = h('div', { className: 'panel log-lines', id: 'logs-lines', role: 'log', 'aria-live': 'polite' });
  private readonly status = h('span', { className: 'muted', id: 'logs-status' });
  private readonly filter = h('input', {
    type: 'search',
    id: 'logs-filter',
    placeholder: 'filter lines',
    oninput: () => this.applyFilter(),
  });
  private readonly pauseButton = h(
    'button',
    { type: 'button', className: 'secondary', id: 'logs-pause', onclick: () => this.togglePause() },
    'Pause',
  );
  private cursor?: number;
  private timer?: ReturnType<typeof setTimeout>;
  private paused = false;
  private busy = false;

  constructor(private readonly ctx: AppContext) {
    replaceChildren(
      this.element,
      h(
        'div',
        { className: 'toolbar' },
        this.filter,
        this.pauseButton,
        h('button', { type: 'button', className: 'secondary', onclick: () => this.output.replaceChildren() }, 'Clear'),
        this.status,
      ),
      this.output,
    );
  }

  /** On opening the tab and on each hello: follow on from the cursor (a restart keeps the log file, so it stays valid). */
  refresh(): void {
    this.schedule(0);
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.poll(), delayMs);
  }

  private async poll(): Promise<void> {
    // Only while the tab is shown: switching away stops the polling until it is opened again.
    if (!this.element.isConnected || this.paused || this.busy) return;
    this.busy = true;
    try {
      const page = await this.ctx.conn.request('logs.tail', this.cursor === undefined ? { limit: 500 } : { cursor: this.cursor });
      if (this.cursor !== undefined && page.reset) this.appendLines(['— the log was rotated or the gateway restarted —'], 'note');
      this.appendLines(page.lines);
      this.cursor = page.cursor;
      this.status.textContent = `following ${page.file}`;
    } catch (error) {
      this.status.textContent = `cannot read the log: ${errorText(error)}`;
    } finally {
      this.busy = false;
    }
    if (this.element.isConnected && !this.paused) this.schedule(POLL_MS);
  }

  private appendLines(lines: string[], kind?: string): void {
    if (lines.length === 0) return;
    const atBottom = this.output.scrollTop + this.output.clientHeight >= this.output.scrollHeight - 4;
    const needle = this.filter.value.trim().toLowerCase();
    for (const line of lines) {
      const match = LEVEL.exec(line);
      const level = (match?.[1] ?? match?.[2] ?? kind ?? '').toLowerCase();
      const row = h('div', { className: `log-line ${level}` }, line);
      if (needle && !line.toLowerCase().includes(needle)) row.hidden = true;
      this.output.appendChild(row);
    }
    while (this.output.childElementCount > MAX_LINES) this.output.firstElementChild!.remove();
    if (atBottom) this.output.scrollTop = this.output.scrollHeight;
  }

  private applyFilter(): void {
    const needle = this.filter.value.trim().toLowerCase();
    for (const row of Array.from(this.output.children) as HTMLElement[]) {
      row.hidden = Boolean(needle) && !(row.textContent ?? '').toLowerCase().includes(needle);
    }
  }

  private togglePause(): void {
    this.paused = !this.paused;
    this.pauseButton.textContent = this.paused ? 'Resume' : 'Pause';
    this.status.textContent = this.paused ? 'paused' : 'following';
    if (!this.paused) this.schedule(0);
  }
}
