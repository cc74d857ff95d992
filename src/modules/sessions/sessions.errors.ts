import { DomainError } from '../../common/domain-error';

export const SessionsErrorCode = {
  UnknownSession: 'UNKNOWN_SESSION',
} as const;
export type SessionsErrorCode = (typeof SessionsErrorCode)[keyof typeof SessionsErrorCode];

export class SessionsError extends DomainError<SessionsErrorCode> {}

export const SessionsErrors = {
  unknownSession: (sessionKey: string) =>
    new SessionsError(
      SessionsErrorCode.UnknownSession,
      `unknown session ${sessionKey}; list sessions with \`nestclaw gateway call sessions.list\``,
    ),
};
