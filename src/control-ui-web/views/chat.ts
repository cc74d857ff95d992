import type { ChatEventPayload } from '../../common/protocol/index.js';
import { imagePartsOf, loadChatImage } from '../chat-media.js';
import { h, replaceChildren } from '../dom.js';
import { errorText, randomId } from '../format.js';
import { renderMarkdown } from '../markdown-view.js';
import type { AppContext, View } from '../view.js';

const SESSION_STORAGE_KEY = 'nestclaw.controlUi.chatSession';

type ChatEvent = ChatEventPayload;

/** WebChat over the page's own socket: chat.send, streamed `chat` events, chat.abort, chat.history. */
export class ChatView implements View {
  readonly id = 'chat';
  readonly title = 'WebChat';
  readonly element = h('section', { 'data-view': 'chat', className: 'chat' });
  private readonly sessionSelect = h('select', { id: 'chat-session' });
  private readonly transcript = h('div', { id: 'chat-transcript', className: 'transcript', 'aria-live': 'polite' });
  private readonly input = h('textarea', {
    id: 'chat-input',
    placeholder: 'Message the assistant…  (Enter sends, Shift+Enter for a new line)',
  });
  private readonly sendButton = h('button', { type: 'submit', id: 'chat-send' }, 'Send');
  private readonly abortButton = h('button', { type: 'button', id: 'chat-abort', className: 'danger', disabled: true }, 'Abort');
  private readonly status = h('p', { id: 'chat-status', className: 'muted', role: 'status' });
  private sessionKey: string;
  private readonly runs = new Map<string, { bubble: HTMLElement; pieces: string[] }>();
  private readonly activeRuns = new Set<string>();

  constructor(private readonly ctx: AppContext) {
    this.sessionKey = localStorage.getItem(SESSION_STORAGE_KEY) ?? newSessionKey();
    this.sessionSelect.addEventListener('change', () => this.open(this.sessionSelect.value));
    this.abortButton.addEventListener('click', () => this.abort());
    this.input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey) {
        event.preventDefault();
        this.send();
      }
    });
    replaceChildren(
      this.element,
      h(
        'div',
        { className: 'toolbar' },
        h('label', {}, 'Session', this.sessionSelect),
        h(
          'button',
          { type: 'button', className: 'secondary', id: 'chat-new', onclick: () => this.open(newSessionKey()) },
          'New session',
        ),
        h('button', { type: 'button', className: 'secondary', onclick: () => this.loadHistory() }, 'Reload history'),
      ),
      this.transcript,
      h(
        'form',
        { className: 'composer', onsubmit: (e) => (e.preventDefault(), this.send()) },
        this.input,
        this.sendButton,
        this.abortButton,
      ),
      this.status,
    );
    ctx.conn.on('chat', (payload) => this.onChatEvent(payload));
    this.showSelectedSession();
  }

  refresh(): void {
    this.loadSessions();
    this.loadHistory();
  }

  open(sessionKey: string): void {
    this.sessionKey = sessionKey;
    localStorage.setItem(SESSION_STORAGE_KEY, sessionKey);
    this.showSelectedSession();
    this.runs.clear();
    this.activeRuns.clear();
    this.updateButtons();
    this.refresh();
  }

  private loadSessions(): void {
    this.ctx.conn.request('sessions.list').then(
      ({ sessions }) => {
        const keys = new Set<string>(sessions.map((s) => s.sessionKey));
        keys.add(this.sessionKey);
        replaceChildren(this.sessionSelect, ...[...keys].sort().map((key) => h('option', { value: key }, key)));
        this.showSelectedSession();
      },
      () => undefined,
    );
  }

  /** At once, not after sessions.list answers: a message typed now goes to this session. */
  private showSelectedSession(): void {
    if (![...this.sessionSelect.options].some((o) => o.value === this.sessionKey)) {
      this.sessionSelect.append(h('option', { value: this.sessionKey }, this.sessionKey));
    }
    this.sessionSelect.value = this.sessionKey;
    this.element.dataset.sessionKey = this.sessionKey;
  }

  private loadHistory(): void {
    const sessionKey = this.sessionKey;
    this.ctx.conn.request('chat.history', { sessionKey, limit: 200 }).then(
      ({ messages }) => {
        if (sessionKey !== this.sessionKey) return;
        replaceChildren(
          this.transcript,
          ...messages.map((m) => bubble(m.role, textOf(m.content), m.ts)),
          messages.length === 0 ? h('p', { className: 'empty' }, `No messages in ${sessionKey} yet. Say hello.`) : null,
        );
        // Runs still streaming keep their bubbles at the end.
        for (const run of this.runs.values()) if (run.bubble.dataset.state === 'delta') this.transcript.append(run.bubble);
        this.scroll();
      },
      (error) => (this.status.textContent = `History failed: ${errorText(error)}`),
    );
  }

  private send(): void {
    const message = this.input.value.trim();
    if (!message) return;
    this.transcript.querySelector('.empty')?.remove();
    this.transcript.append(bubble('user', message, Date.now()));
    this.scroll();
    this.input.value = '';
    this.status.textContent = 'sending…';
    this.ctx.conn.request('chat.send', { sessionKey: this.sessionKey, message, idempotencyKey: `ui-${randomId()}` }).then(
      (payload) => {
        this.status.textContent = '';
        if (payload?.runId && !this.runs.get(payload.runId)?.bubble.dataset.state?.match(/final|aborted|error/)) {
          this.activeRuns.add(payload.runId);
          this.runFor(payload.runId);
        }
        this.updateButtons();
      },
      (error) => {
        this.status.textContent = '';
        this.transcript.append(bubble('error', `Not sent: ${errorText(error)}`));
      },
    );
  }

  private abort(): void {
    this.ctx.conn.request('chat.abort', { sessionKey: this.sessionKey }).then(
      (payload) => (this.status.textContent = payload?.aborted ? 'aborted' : 'nothing to abort'),
      (error) => (this.status.textContent = `Abort failed: ${errorText(error)}`),
    );
  }

  private onChatEvent(event: ChatEvent): void {
    if (event.sessionKey !== this.sessionKey) return;
    const run = this.runFor(event.runId);
    switch (event.state) {
      case 'delta': {
        this.activeRuns.add(event.runId);
        run.pieces.push(textOf(event.message?.content));
        setBubbleText(run.bubble, run.pieces.join('\n'));
        run.bubble.dataset.state = 'delta';
        break;
      }
      case 'final':
        setBubbleText(run.bubble, textOf(event.message?.content) || run.pieces.join('\n'));
        this.showImages(run.bubble, event.message?.content);
        run.bubble.dataset.state = 'final';
        this.activeRuns.delete(event.runId);
        break;
      case 'aborted':
        setBubbleText(run.bubble, `${run.pieces.join('\n')}${run.pieces.length ? '\n' : ''}(aborted)`);
        run.bubble.dataset.state = 'aborted';
        this.activeRuns.delete(event.runId);
        break;
      case 'error':
        run.bubble.className = 'msg error';
        setBubbleText(run.bubble, `The run failed: ${event.errorMessage ?? 'unknown error'}`);
        run.bubble.dataset.state = 'error';
        this.activeRuns.delete(event.runId);
        break;
    }
    this.updateButtons();
    this.scroll();
  }

  /** Screenshots the run took, below its answer; each is fetched over this socket and shown once decoded. */
  private showImages(bubble: HTMLElement, content: unknown): void {
    for (const part of imagePartsOf(content)) {
      const img = h('img', { className: 'shot', alt: 'Screenshot taken by the browser tool', 'data-media-id': part.mediaId });
      const figure = h('figure', { className: 'shot', 'data-state': 'loading' }, img);
      bubble.append(figure);
      loadChatImage(this.ctx.conn, part.mediaId)
        .then((src) => {
          img.addEventListener('load', () => ((figure.dataset.state = 'loaded'), this.scroll()), { once: true });
          img.addEventListener('error', () => (figure.dataset.state = 'error'), { once: true });
          img.src = src;
        })
        .catch((error: unknown) => {
          figure.dataset.state = 'error';
          replaceChildren(figure, h('figcaption', { className: 'muted' }, `Screenshot unavailable: ${errorText(error)}`));
        });
    }
  }

  private runFor(runId: string): { bubble: HTMLElement; pieces: string[] } {
    let run = this.runs.get(runId);
    if (!run) {
      const element = bubble('assistant', '…');
      element.dataset.runId = runId;
      element.dataset.state = 'delta';
      this.transcript.append(element);
      run = { bubble: element, pieces: [] };
      this.runs.set(runId, run);
    }
    return run;
  }

  private updateButtons(): void {
    this.abortButton.disabled = this.activeRuns.size === 0;
  }

  private scroll(): void {
    this.transcript.scrollTop = this.transcript.scrollHeight;
  }
}

function newSessionKey(): string {
  return `main:webchat:${randomId()}`;
}

function bubble(role: string, text: string, ts?: number): HTMLElement {
  const className = role === 'user' ? 'user' : role === 'assistant' ? 'assistant' : role === 'error' ? 'error' : 'system';
  const element = h('div', { className: `msg ${className}`, 'data-role': role });
  setBubbleText(element, text, ts);
  return element;
}

/** The assistant's words are rendered as Markdown (the subset Telegram gets); everything else stays plain text. */
function setBubbleText(element: HTMLElement, text: string, ts?: number): void {
  const markdown = element.dataset.role === 'assistant' && !element.classList.contains('error');
  replaceChildren(
    element,
    h('span', { className: 'text' }, ...(markdown ? renderMarkdown(text) : [text])),
    ts ? h('span', { className: 'meta' }, new Date(ts).toLocaleTimeString()) : null,
  );
}

/** Transcript content is a string here; the reference protocol's `[{type:"text", text}]` parts are read too (images apart). */
function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part) =>
        part && typeof part === 'object' && (part as { type?: unknown }).type !== 'image' && 'text' in part
          ? String((part as { text: unknown }).text)
          : '',
      )
      .join('');
  }
  return content === undefined || content === null ? '' : JSON.stringify(content);
}
