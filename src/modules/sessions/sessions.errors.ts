import { invalidRequest } from '../gateway/rpc/rpc-error';

export const SessionsErrors = {
  unknownSession: (sessionKey: string) =>
    invalidRequest(`unknown session ${sessionKey}; list sessions with \`nestclaw sessions list\``),
  unsupportedPatchField: (field: string) =>
    invalidRequest(
      `invalid params: ${field}: nestclaw sessions have no ${field}; sessions.patch changes label and model (send null to leave ${field} unset)`,
      { details: { fields: [field] } },
    ),
  emptyPatch: () => invalidRequest('invalid params: sessions.patch needs label or model (null clears one)'),
  staleSession: (sessionKey: string) =>
    invalidRequest(`session ${sessionKey} was reset or replaced since you read it; read it again and retry`),
  unsupportedDeleteGuard: (field: string) =>
    invalidRequest(
      `invalid params: ${field}: nestclaw sessions have no archive or lifecycle revision; guard a delete with expectedSessionId instead`,
      { details: { fields: [field] } },
    ),
  transcriptIsPartOfSession: () =>
    invalidRequest(
      'invalid params: deleteTranscript: nestclaw keeps a transcript only inside its session, so deleting one deletes both; use sessions.reset to start over and keep the old turns',
    ),
};
