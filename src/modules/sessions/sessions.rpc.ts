import { Clock } from '../../common/clock';
import { RpcHandlers, RpcMethod } from '../gateway/rpc/rpc.decorators';
import { ModelsService } from '../models/models.service';
import { ChatHistoryParams } from './dto/chat-history.params';
import { DeleteSessionParams } from './dto/delete-session.params';
import { APPLIED_PATCH_FIELDS, IDENTITY_PATCH_FIELDS, PatchSessionParams } from './dto/patch-session.params';
import { PreviewSessionsParams } from './dto/preview-sessions.params';
import { ResetSessionParams } from './dto/reset-session.params';
import { SessionsErrors } from './sessions.errors';
import { SessionsService } from './sessions.service';

/** Preview bounds: the reference's defaults, and caps so one call stays small. */
export const PREVIEW_LIMITS = Object.freeze({ defaultItems: 12, maxItems: 50, defaultChars: 240, maxChars: 2_000 });

@RpcHandlers()
export class SessionsRpc {
  constructor(
    private readonly sessions: SessionsService,
    private readonly models: ModelsService,
    private readonly clock: Clock,
  ) {}

  @RpcMethod('sessions.list', { scope: 'operator.read' })
  list() {
    return { sessions: this.sessions.list() };
  }

  @RpcMethod('sessions.preview', { scope: 'operator.read', params: PreviewSessionsParams })
  preview(p: PreviewSessionsParams) {
    const limit = Math.min(p.limit ?? PREVIEW_LIMITS.defaultItems, PREVIEW_LIMITS.maxItems);
    const maxChars = Math.min(p.maxChars ?? PREVIEW_LIMITS.defaultChars, PREVIEW_LIMITS.maxChars);
    return { ts: this.clock.now(), previews: this.sessions.preview(p.keys, limit, maxChars) };
  }

  @RpcMethod('sessions.patch', { scope: 'operator.admin', params: PatchSessionParams })
  async patch(p: PatchSessionParams) {
    const given = Object.keys(p).filter((k) => (p as unknown as Record<string, unknown>)[k] !== undefined);
    const unsupported = given.find(
      (k) =>
        ![...APPLIED_PATCH_FIELDS, ...IDENTITY_PATCH_FIELDS].includes(k as never) &&
        (p as unknown as Record<string, unknown>)[k] !== null,
    );
    if (unsupported) throw SessionsErrors.unsupportedPatchField(unsupported);
    if (p.label === undefined && p.model === undefined) throw SessionsErrors.emptyPatch();
    const current = this.sessions.entry(p.key);
    if (!current) throw SessionsErrors.unknownSession(p.key);
    if (p.expectedSessionId !== undefined && p.expectedSessionId !== current.sessionId) throw SessionsErrors.staleSession(p.key);
    // Checked before anything is stored, so a refused model leaves the label unchanged too.
    if (typeof p.model === 'string') await this.models.assertSelectable(p.model);
    const entry = this.sessions.patch(p.key, { label: p.label?.trim() ?? p.label, model: p.model });
    return { ok: true as const, key: p.key, entry };
  }

  @RpcMethod('sessions.reset', { scope: 'operator.admin', params: ResetSessionParams })
  reset(p: ResetSessionParams) {
    const current = this.sessions.entry(p.key);
    if (!current) throw SessionsErrors.unknownSession(p.key);
    if (p.expectedSessionId !== undefined && p.expectedSessionId !== current.sessionId) throw SessionsErrors.staleSession(p.key);
    this.sessions.reset(p.key);
    return { ok: true as const, key: p.key, entry: this.sessions.entry(p.key) };
  }

  @RpcMethod('sessions.delete', { scope: 'operator.admin', params: DeleteSessionParams })
  delete(p: DeleteSessionParams) {
    if (p.deleteTranscript === false) throw SessionsErrors.transcriptIsPartOfSession();
    if (p.archivedOnly === true) throw SessionsErrors.unsupportedDeleteGuard('archivedOnly');
    if (p.expectedLifecycleRevision !== undefined) throw SessionsErrors.unsupportedDeleteGuard('expectedLifecycleRevision');
    if (p.expectedSessionUpdatedAt !== undefined) throw SessionsErrors.unsupportedDeleteGuard('expectedSessionUpdatedAt');
    if (p.expectedSessionId !== undefined) {
      const current = this.sessions.entry(p.key);
      if (current && p.expectedSessionId !== current.sessionId) throw SessionsErrors.staleSession(p.key);
    }
    const deleted = this.sessions.delete(p.key);
    return { ok: true as const, key: p.key, deleted, archived: [] as string[] };
  }

  @RpcMethod('chat.history', { scope: 'operator.read', params: ChatHistoryParams })
  history(p: ChatHistoryParams) {
    const messages = this.sessions.history(p.sessionKey, p.limit).map((e) => ({
      role: e.role,
      content: e.content,
      ts: e.createdAtMs,
      ...(e.runId ? { runId: e.runId } : {}),
    }));
    return { sessionKey: p.sessionKey, messages };
  }
}
