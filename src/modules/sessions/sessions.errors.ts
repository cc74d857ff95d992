import { invalidRequest } from '../gateway/rpc/rpc-error';

export const SessionsErrors = {
  unknownSession: (sessionKey: string) =>
    invalidRequest(`unknown session ${sessionKey}; list sessions with \`nestclaw gateway call sessions.list\``),
};
