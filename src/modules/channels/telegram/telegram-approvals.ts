import type { CallbackQuery, InlineKeyboardMarkup } from '@grammyjs/types';
import type { Subscription } from 'rxjs';
import type { ExecApprovalDecision } from '../../../common/protocol';
import type { ExecApprovalRequest, ExecApprovalResolution } from '../../approvals/approvals.types';
import type { ExecApprovalsService } from '../../approvals/exec-approvals.service';
import { ApprovalsError } from '../../approvals/approvals.errors';
import type { TelegramClient } from './telegram.client';

/** callback_data is `xa:<approval id>:<o|a|d>`; Telegram allows 64 bytes. */
const CALLBACK = /^xa:([0-9a-f-]{1,40}):([oad])$/;
const DECISION_OF: Record<string, ExecApprovalDecision> = { o: 'allow-once', a: 'allow-always', d: 'deny' };
const CODE_OF: Record<ExecApprovalDecision, string> = { 'allow-once': 'o', 'allow-always': 'a', deny: 'd' };
/** Prompts whose message we keep track of, to edit it with the outcome. */
const MAX_TRACKED = 200;
/** Telegram cuts a message at 4096 characters; the outcome line is appended to the prompt later. */
const MAX_PROMPT_CHARS = 3_800;

export interface TelegramApprovalPromptsOptions {
  client: TelegramClient;
  approvals: ExecApprovalsService;
  /**
   * Who gets the prompt and may press its buttons, read on every prompt and
   * press so a config reload or a new pairing applies at once
   * (resolveApprovers). Other senders may talk to the agent, but never answer
   * exec approvals.
   */
  approvers(): readonly string[];
  warn(message: string): void;
}

/** Where each approver's copy of a prompt is, to edit it with the outcome. */
interface PromptMessage {
  chatId: string;
  messageId: number;
}

interface Tracked {
  text: string;
  messages: PromptMessage[];
  /** Sending is still under way: a resolution that comes first is applied once the messages exist. */
  sending: boolean;
  resolution?: ExecApprovalResolution;
}

/**
 * Who approves exec requests over Telegram (docs/channels.md, "Who
 * approves"): channels.telegram.approvers when set, else the owner: the
 * first allowFrom id, else the first sender approved by pairing. Only user
 * ids (positive) can be written to directly; a group id in allowFrom is
 * nobody's.
 */
export function resolveApprovers(
  config: { approvers: readonly string[]; allowFrom: readonly string[] },
  firstPairedSender: () => string | undefined,
): string[] {
  const person = (id: string | undefined): id is string => id !== undefined && /^[1-9]\d*$/.test(id);
  if (config.approvers.length > 0) return [...new Set(config.approvers.filter(person))];
  const owner = config.allowFrom.find(person) ?? firstPairedSender();
  return person(owner) ? [owner] : [];
}

/**
 * Exec approval prompts in Telegram: a message with Allow once / Always /
 * Deny buttons to the owner, a button press resolves the approval, and the
 * message is edited to show the outcome however it was settled (CLI,
 * Control UI, expiry). Presses arrive as callback_query updates through the
 * channel's durable intake, like messages.
 */
export class TelegramApprovalPrompts {
  private readonly tracked = new Map<string, Tracked>();
  private subscription?: Subscription;
  private removeRelay?: () => void;

  constructor(private readonly options: TelegramApprovalPromptsOptions) {}

  /** Once the bot is linked: from then on a prompt can reach the approvers. */
  start(): void {
    if (this.subscription) return;
    this.subscription = this.options.approvals.changes$.subscribe((change) => {
      if (change.type === 'requested') void this.prompt(change.request);
      else void this.settled(change.resolution);
    });
    this.removeRelay = this.options.approvals.addRelay({
      name: 'Telegram',
      reachable: () => this.options.approvers().length > 0,
    });
  }

  stop(): void {
    this.removeRelay?.();
    this.removeRelay = undefined;
    this.subscription?.unsubscribe();
    this.subscription = undefined;
  }

  /** Handles a button press; true when it was one of ours. Never throws. */
  async onCallback(query: CallbackQuery): Promise<boolean> {
    const match = CALLBACK.exec(query.data ?? '');
    if (!match) return false;
    const [, id, code] = match;
    const { approvals } = this.options;
    if (!this.options.approvers().includes(String(query.from.id))) {
      await this.answer(query.id, 'Only an approver can answer exec approvals (channels.telegram.approvers, else the owner).');
      return true;
    }
    const decision = DECISION_OF[code];
    const who = `telegram:${query.from.id}${query.from.username ? ` (@${query.from.username})` : ''}`;
    try {
      approvals.resolve(id, decision, who);
      await this.answer(query.id, ANSWERED[decision]);
    } catch (error) {
      if (!(error instanceof ApprovalsError)) throw error;
      await this.answer(query.id, 'This approval is no longer pending.');
      // After a restart the prompt is gone from memory; its buttons must not stay pressable.
      const message = query.message;
      if (message && !this.tracked.has(id)) {
        await this.edit(
          String(message.chat.id),
          message.message_id,
          `${'text' in message && message.text ? message.text : 'Exec approval'}\n\nNo longer pending.`,
        );
      }
    }
    return true;
  }

  private async prompt(request: ExecApprovalRequest): Promise<void> {
    const approvers = this.options.approvers();
    if (approvers.length === 0) return;
    const { text, complete } = approvalPrompt(request);
    const entry: Tracked = { text, messages: [], sending: true };
    this.track(request.id, entry);
    for (const chatId of approvers) {
      try {
        const sent = await this.options.client.sendMessage(chatId, text, { replyMarkup: keyboard(request.id, complete) });
        entry.messages.push({ chatId, messageId: sent.message_id });
      } catch (error) {
        this.options.warn(`could not send the exec approval prompt ${request.id} to telegram user ${chatId}: ${describe(error)}`);
      }
    }
    entry.sending = false;
    if (entry.messages.length === 0) this.tracked.delete(request.id);
    else if (entry.resolution) await this.settled(entry.resolution);
  }

  private async settled(resolution: ExecApprovalResolution): Promise<void> {
    const entry = this.tracked.get(resolution.id);
    if (!entry) return;
    if (entry.sending) {
      entry.resolution = resolution;
      return;
    }
    this.tracked.delete(resolution.id);
    const outcome = `${entry.text}\n\n${outcomeText(resolution)}`;
    for (const message of entry.messages) await this.edit(message.chatId, message.messageId, outcome);
  }

  private async edit(chatId: string, messageId: number, text: string): Promise<void> {
    try {
      await this.options.client.editMessageText(chatId, messageId, text);
    } catch (error) {
      this.options.warn(`could not update the exec approval prompt in telegram: ${describe(error)}`);
    }
  }

  private async answer(callbackQueryId: string, text: string): Promise<void> {
    try {
      await this.options.client.answerCallbackQuery(callbackQueryId, text);
    } catch (error) {
      this.options.warn(`could not answer a telegram button press: ${describe(error)}`);
    }
  }

  private track(id: string, entry: Tracked): void {
    this.tracked.set(id, entry);
    if (this.tracked.size > MAX_TRACKED) this.tracked.delete(this.tracked.keys().next().value!);
  }
}

const ANSWERED: Record<ExecApprovalDecision, string> = {
  'allow-once': 'Allowed once.',
  'allow-always': 'Allowed always.',
  deny: 'Denied.',
};

/** Without the whole request on screen only Deny is offered: nobody approves what they were not shown. */
function keyboard(id: string, complete: boolean): InlineKeyboardMarkup {
  const button = (text: string, decision: ExecApprovalDecision) => ({ text, callback_data: `xa:${id}:${CODE_OF[decision]}` });
  if (!complete) return { inline_keyboard: [[button('Deny', 'deny')]] };
  return {
    inline_keyboard: [[button('Allow once', 'allow-once'), button('Always', 'allow-always'), button('Deny', 'deny')]],
  };
}

/**
 * The prompt in plain text (no parse mode, so nothing in argv can be taken
 * for markup): the whole argv, the directory and every variable. When that
 * does not fit in one message, `complete` is false and the text says where
 * to see it all.
 */
export function approvalPrompt(request: ExecApprovalRequest): { text: string; complete: boolean } {
  const where = request.host === 'gateway' ? 'The gateway host' : `Node ${request.hostName ?? request.nodeId ?? '?'}`;
  const seconds = Math.max(1, Math.round((request.expiresAtMs - request.createdAtMs) / 1000));
  const head = ['Exec approval needed', `${where} wants to run:`];
  const env = Object.entries(request.env ?? {});
  const body = [request.argv.map(shellWord).join(' ')];
  if (request.resolvedPath) body.push(`program: ${request.resolvedPath}`);
  if (request.cwd) body.push(`in: ${request.cwd}`);
  body.push(env.length === 0 ? 'env: (none)' : `env: ${env.map(([name, value]) => `${name}=${shellWord(value)}`).join(' ')}`);
  if (request.sessionKey) body.push(`session: ${request.sessionKey}`);
  const tail = `"Always" allows this program with exactly these arguments. Denied unless answered within ${seconds} s. id ${request.id}`;
  const full = [...head, ...body, tail].join('\n');
  if (full.length <= MAX_PROMPT_CHARS) return { text: full, complete: true };
  const cut = [
    ...head,
    `${body[0].slice(0, 1_000)}…`,
    `This command (${full.length} characters with its directory and env) is too long to show here, so it can only be denied here; see it whole and answer with \`nestclaw approvals list\` or the Control UI.`,
    tail,
  ];
  return { text: cut.join('\n'), complete: false };
}

function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : JSON.stringify(text);
}

function outcomeText(resolution: ExecApprovalResolution): string {
  if (resolution.reason === 'expired') return 'Expired: denied (nobody answered in time).';
  if (resolution.reason === 'withdrawn') return 'Withdrawn: the request went away.';
  const by = resolution.decidedBy ?? 'an operator';
  switch (resolution.decision) {
    case 'allow-once':
      return `Allowed once by ${by}.`;
    case 'allow-always':
      return `Allowed always by ${by}.`;
    default:
      return `Denied by ${by}.`;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
