import { BrowserErrors } from '../../../common/browser';
import { DomainError } from '../../../common/domain-error';
import { ErrorShape } from '../../../common/protocol';
import { AgentErrors } from '../../agent/agent.errors';
import { ApprovalsErrors } from '../../approvals/approvals.errors';
import { AuthErrors } from '../../auth/auth.errors';
import { BrowserModuleErrors } from '../../browser/browser.errors';
import { ChannelsErrors } from '../../channels/channels.errors';
import { ConfigErrors } from '../../config/config.errors';
import { ModelsErrors } from '../../models/models.errors';
import { NodesErrors } from '../../nodes/nodes.errors';
import { PairingErrors } from '../../pairing/pairing.errors';
import { SessionsErrors } from '../../sessions/sessions.errors';
import { invalidRequest } from './rpc-error';
import { toErrorShape, wireCodeOf } from './wire-errors';

type Expected = Omit<ErrorShape, 'message'>;

/** Every module error as clients have always received it (PROTOCOL.md "Errors"; the e2e suites assert the same codes). */
const TABLE: [string, DomainError, Expected][] = [
  ['agent unknown run', AgentErrors.unknownRun('r1'), { code: 'INVALID_REQUEST', details: { runId: 'r1' } }],
  ['agent wait timeout', AgentErrors.waitTimedOut('r1', 5), { code: 'AGENT_TIMEOUT', details: { runId: 'r1' }, retryable: true }],
  ['approval unknown', ApprovalsErrors.unknown('a1'), { code: 'INVALID_REQUEST', details: { id: 'a1' } }],
  ['approvals too many', ApprovalsErrors.tooMany(50), { code: 'UNAVAILABLE', retryable: true }],
  [
    'approvals too many for a node',
    ApprovalsErrors.tooManyForNode('n1', 10),
    { code: 'UNAVAILABLE', details: { nodeId: 'n1', limit: 10 }, retryable: true },
  ],
  [
    'approvals node refused',
    ApprovalsErrors.nodeRefused('n1', 'E', 'no'),
    { code: 'INVALID_REQUEST', details: { nodeId: 'n1', nodeError: { code: 'E', message: 'no' } } },
  ],
  ['approvals bad node snapshot', ApprovalsErrors.badNodeSnapshot('n1'), { code: 'UNAVAILABLE', details: { nodeId: 'n1' } }],
  [
    'node policy command',
    NodesErrors.policyCommand('system.execApprovals.set'),
    { code: 'INVALID_REQUEST', details: { command: 'system.execApprovals.set', reason: 'policy-command' } },
  ],
  ['auth token mismatch', AuthErrors.tokenMismatch(), { code: 'INVALID_REQUEST' }],
  ['auth rate limited', AuthErrors.rateLimited(60_000), { code: 'RATE_LIMITED', retryable: true, retryAfterMs: 60_000 }],
  ['auth device identity required', AuthErrors.deviceIdentityRequired(), { code: 'NOT_PAIRED' }],
  ['auth bad signature', AuthErrors.deviceSignatureInvalid(), { code: 'INVALID_REQUEST' }],
  ['browser disabled', BrowserModuleErrors.disabled(), { code: 'INVALID_REQUEST', details: { reason: 'disabled' } }],
  [
    'browser refused',
    BrowserModuleErrors.fromBrowser(BrowserErrors.refused('http://x/', 'denied')),
    { code: 'INVALID_REQUEST', details: { browserError: 'REFUSED' } },
  ],
  [
    'browser timeout',
    BrowserModuleErrors.fromBrowser(BrowserErrors.timedOut('click', 10)),
    { code: 'UNAVAILABLE', details: { browserError: 'TIMEOUT' }, retryable: true },
  ],
  [
    'browser missing',
    BrowserModuleErrors.fromBrowser(BrowserErrors.noBrowser()),
    { code: 'UNAVAILABLE', details: { browserError: 'UNAVAILABLE' }, retryable: false },
  ],
  [
    'channel not linked',
    ChannelsErrors.notLinked('telegram', undefined),
    { code: 'NOT_LINKED', details: { channel: 'telegram' }, retryable: true },
  ],
  [
    'channel send queued',
    ChannelsErrors.sendQueued('telegram', 'busy', 3_000),
    { code: 'UNAVAILABLE', retryable: true, retryAfterMs: 3_000 },
  ],
  [
    'channel send failed',
    ChannelsErrors.sendFailed('telegram', 'blocked'),
    { code: 'INVALID_REQUEST', details: { channel: 'telegram' } },
  ],
  ['config stale hash', ConfigErrors.staleBaseHash(), { code: 'INVALID_REQUEST', details: { reason: 'stale-base-hash' } }],
  ['config cannot restart', ConfigErrors.restartUnavailable(), { code: 'UNAVAILABLE' }],
  [
    'node not connected',
    NodesErrors.notConnected('n1'),
    { code: 'UNAVAILABLE', details: { nodeId: 'n1', reason: 'not-connected' } },
  ],
  ['node unknown', NodesErrors.unknownNode('n1'), { code: 'INVALID_REQUEST' }],
  [
    'node timeout',
    NodesErrors.timedOut('n1', 'system.run', 100),
    {
      code: 'UNAVAILABLE',
      details: { nodeId: 'n1', command: 'system.run', nodeError: { code: 'TIMEOUT', message: 'no result within 100 ms' } },
    },
  ],
  [
    'gateway shutting down',
    NodesErrors.shuttingDown('n1', 'system.run'),
    {
      code: 'UNAVAILABLE',
      details: expect.objectContaining({ nodeError: expect.objectContaining({ code: 'DISCONNECTED' }) }),
      retryable: true,
    },
  ],
  ['node params', NodesErrors.invalidJson('payloadJSON'), { code: 'INVALID_REQUEST', details: { fields: ['payloadJSON'] } }],
  [
    'pairing required',
    PairingErrors.pairingRequired('q1', 'd1'),
    { code: 'NOT_PAIRED', details: { requestId: 'q1', deviceId: 'd1' } },
  ],
  [
    'device token revoked',
    PairingErrors.deviceTokenRevoked(),
    { code: 'INVALID_REQUEST', details: { reason: 'device-token-revoked' } },
  ],
  ['pairing request unknown', PairingErrors.requestNotFound('q1'), { code: 'INVALID_REQUEST' }],
  ['session unknown', SessionsErrors.unknownSession('s1'), { code: 'INVALID_REQUEST' }],
  [
    'session patch field',
    SessionsErrors.unsupportedPatchField('thinkingLevel'),
    { code: 'INVALID_REQUEST', details: { fields: ['thinkingLevel'] } },
  ],
  ['session empty patch', SessionsErrors.emptyPatch(), { code: 'INVALID_REQUEST' }],
  ['session stale', SessionsErrors.staleSession('s1'), { code: 'INVALID_REQUEST' }],
  [
    'session delete guard',
    SessionsErrors.unsupportedDeleteGuard('archivedOnly'),
    { code: 'INVALID_REQUEST', details: { fields: ['archivedOnly'] } },
  ],
  ['session transcript kept', SessionsErrors.transcriptIsPartOfSession(), { code: 'INVALID_REQUEST' }],
  ['models endpoint failed', ModelsErrors.endpointFailed('HTTP 500'), { code: 'UNAVAILABLE', retryable: true }],
  ['models unknown model', ModelsErrors.unknownModel('x'), { code: 'INVALID_REQUEST' }],
  ['models builtin', ModelsErrors.builtinHasNoModels(), { code: 'INVALID_REQUEST' }],
  [
    'config replacePaths',
    ConfigErrors.replacePathsUnsupported(),
    { code: 'INVALID_REQUEST', details: { fields: ['replacePaths'] } },
  ],
];

describe('wire errors', () => {
  describe('toErrorShape', () => {
    it.each(TABLE)('sends %s with its message and the same code, details and retry hints as ever', (_name, error, expected) => {
      // Act
      const { shape, unexpected } = toErrorShape(error);

      // Assert: toEqual, so no hint appears that the protocol never sent for this error.
      expect(unexpected).toBe(false);
      expect(shape).toEqual({ message: error.message, ...expected });
      expect(wireCodeOf(error)).toBe(expected.code);
    });

    it('passes the gateway’s own RpcError through unchanged', () => {
      const error = invalidRequest('bad frame', { details: { fields: ['id'] } });
      expect(toErrorShape(error)).toEqual({ shape: error.toShape(), unexpected: false });
    });

    it('hides the message of anything else, a module error missing from the tables included', () => {
      class UnmappedError extends DomainError<'X'> {}
      for (const error of [new Error('/home/me/.nestclaw/secret'), new UnmappedError('X', '/home/me/.nestclaw/secret')]) {
        const { shape, unexpected } = toErrorShape(error);
        expect(unexpected).toBe(true);
        expect(shape).toEqual({ code: 'UNAVAILABLE', message: 'internal gateway error; see the gateway log', retryable: true });
      }
    });
  });
});
