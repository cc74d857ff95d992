import { DomainError } from '../../common/domain-error';

export const SessionsErrorCode = {
  UnknownSession: 'UNKNOWN_SESSION',
  /** A reference field nestclaw sessions do not have (thinking level, send policy, …). */
  UnsupportedPatchField: 'UNSUPPORTED_PATCH_FIELD',
  EmptyPatch: 'EMPTY_PATCH',
  /** expectedSessionId names a session that was reset or replaced since it was read. */
  StaleSession: 'STALE_SESSION',
  UnsupportedDeleteGuard: 'UNSUPPORTED_DELETE_GUARD',
  TranscriptIsPartOfSession: 'TRANSCRIPT_IS_PART_OF_SESSION',
} as const;
export type SessionsErrorCode = (typeof SessionsErrorCode)[keyof typeof SessionsErrorCode];

export class SessionsError extends DomainError<SessionsErrorCode> {}

export const SessionsErrors = {
  unknownSession: (sessionKey: string) =>
    new SessionsError(
      SessionsErrorCode.UnknownSession,
      `unknown session ${sessionKey}; list sessions with \`nestclaw sessions list\``,
    ),
  unsupportedPatchField: (field: string) =>
    new SessionsError(
      SessionsErrorCode.UnsupportedPatchField,
      `invalid params: ${field}: nestclaw sessions have no ${field}; sessions.patch changes label and model (send null to leave ${field} unset)`,
      { details: { fields: [field] } },
    ),
  emptyPatch: () =>
    new SessionsError(SessionsErrorCode.EmptyPatch, 'invalid params: sessions.patch needs label or model (null clears one)'),
  staleSession: (sessionKey: string) =>
    new SessionsError(
      SessionsErrorCode.StaleSession,
      `session ${sessionKey} was reset or replaced since you read it; read it again and retry`,
    ),
  unsupportedDeleteGuard: (field: string) =>
    new SessionsError(
      SessionsErrorCode.UnsupportedDeleteGuard,
      `invalid params: ${field}: nestclaw sessions have no archive or lifecycle revision; guard a delete with expectedSessionId instead`,
      { details: { fields: [field] } },
    ),
  transcriptIsPartOfSession: () =>
    new SessionsError(
      SessionsErrorCode.TranscriptIsPartOfSession,
      'invalid params: deleteTranscript: nestclaw keeps a transcript only inside its session, so deleting one deletes both; use sessions.reset to start over and keep the old turns',
    ),
};
