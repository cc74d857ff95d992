import { NestFactory } from '@nestjs/core';
import { getMetadataStorage } from '../../src/common/validation/class-validator';
import * as fs from 'node:fs';
import { AppModule } from '../../src/app.module';
import { loadConfig } from '../../src/common/config';
import { GatewayAuthSettings } from '../../src/modules/auth/gateway-auth-settings';
import { GatewayRuntime } from '../../src/modules/config/gateway-runtime';
import { dropIgnoredReferenceParams, IGNORED_REFERENCE_PARAMS } from '../../src/modules/gateway/rpc/reference-params';
import { RpcMethodEntry, RpcRegistry } from '../../src/modules/gateway/rpc/rpc-registry';
import { RpcError } from '../../src/modules/gateway/rpc/rpc-error';
import { validateParams } from '../../src/modules/gateway/rpc/validate-params';
import { makeStateDir } from '../support/test-app';

/** Which reference release's schema has the field: January (protocol 3), current (protocol 4), or both. */
type Release = 'jan' | 'cur' | 'both';
/**
 * applied: the DTO validates it and nestclaw acts on it;
 * accepted: the DTO validates it, nestclaw has nothing to do with it yet;
 * ignored: dropped unread before validation (reference-params.ts).
 */
type Treatment = 'applied' | 'accepted' | 'ignored';

/**
 * Every params field of every method nestclaw shares with the reference
 * releases, from their schemas (clawdbot@2026.1.24-3 and openclaw@2026.9.6),
 * and how nestclaw treats it. Changing a treatment changes what reference
 * clients get: review it as such (docs/protocol.md, "Reference params").
 */
const REFERENCE_PARAMS: Record<string, Array<[string, Release, Treatment]>> = {
  health: [['probe', 'both', 'ignored']],
  status: [
    ['includeChannelSummary', 'cur', 'ignored'],
    ['includeCliProjection', 'cur', 'ignored'],
  ],
  'system-presence': [],
  send: [
    ['to', 'both', 'applied'],
    ['message', 'both', 'applied'],
    ['mediaUrl', 'both', 'ignored'],
    ['mediaUrls', 'both', 'ignored'],
    ['gifPlayback', 'both', 'ignored'],
    ['channel', 'both', 'applied'],
    ['accountId', 'both', 'applied'],
    ['sessionKey', 'both', 'applied'],
    ['idempotencyKey', 'both', 'applied'],
    ['buffer', 'cur', 'ignored'],
    ['filename', 'cur', 'ignored'],
    ['contentType', 'cur', 'ignored'],
    ['asVoice', 'cur', 'ignored'],
    ['agentId', 'cur', 'ignored'],
    ['replyToId', 'cur', 'ignored'],
    ['threadId', 'cur', 'ignored'],
    ['forceDocument', 'cur', 'ignored'],
    ['silent', 'cur', 'ignored'],
    ['parseMode', 'cur', 'ignored'],
  ],
  agent: [
    ['message', 'both', 'applied'],
    ['agentId', 'both', 'ignored'],
    ['to', 'both', 'applied'],
    ['replyTo', 'both', 'ignored'],
    ['sessionId', 'both', 'ignored'],
    ['sessionKey', 'both', 'applied'],
    ['thinking', 'both', 'accepted'],
    ['deliver', 'both', 'applied'],
    ['attachments', 'both', 'ignored'],
    ['channel', 'both', 'applied'],
    ['replyChannel', 'both', 'ignored'],
    ['accountId', 'both', 'applied'],
    ['replyAccountId', 'both', 'ignored'],
    ['threadId', 'both', 'ignored'],
    ['groupId', 'both', 'ignored'],
    ['groupChannel', 'both', 'ignored'],
    ['groupSpace', 'both', 'ignored'],
    ['timeout', 'both', 'applied'],
    ['lane', 'both', 'accepted'],
    ['extraSystemPrompt', 'both', 'applied'],
    ['idempotencyKey', 'both', 'applied'],
    ['label', 'both', 'accepted'],
    ['spawnedBy', 'jan', 'ignored'],
    ['provider', 'cur', 'ignored'],
    ['model', 'cur', 'ignored'],
    ['expectedExistingSessionId', 'cur', 'ignored'],
    ['bestEffortDeliver', 'cur', 'ignored'],
    ['cwd', 'cur', 'ignored'],
    ['cleanupBundleMcpOnRunEnd', 'cur', 'ignored'],
    ['modelRun', 'cur', 'ignored'],
    ['promptMode', 'cur', 'ignored'],
    ['bootstrapContextMode', 'cur', 'ignored'],
    ['bootstrapContextRunKind', 'cur', 'ignored'],
    ['acpTurnSource', 'cur', 'ignored'],
    ['internalRuntimeHandoffId', 'cur', 'ignored'],
    ['internalExecutionIdentityRetry', 'cur', 'ignored'],
    ['internalExecutionIdentityRecoveryAttempt', 'cur', 'ignored'],
    ['execApprovalFollowupExpectedSessionId', 'cur', 'ignored'],
    ['internalEvents', 'cur', 'ignored'],
    ['inputProvenance', 'cur', 'ignored'],
    ['suppressPromptPersistence', 'cur', 'ignored'],
    ['sessionEffects', 'cur', 'ignored'],
    ['sourceReplyDeliveryMode', 'cur', 'ignored'],
    ['disableMessageTool', 'cur', 'ignored'],
    ['swarmCollector', 'cur', 'ignored'],
    ['swarmOutputSchema', 'cur', 'ignored'],
    ['forceRestartSafeTools', 'cur', 'ignored'],
    ['forceCodeModeTools', 'cur', 'ignored'],
    ['voiceWakeTrigger', 'cur', 'ignored'],
  ],
  'agent.wait': [
    ['runId', 'both', 'applied'],
    ['timeoutMs', 'both', 'applied'],
  ],
  'chat.send': [
    ['sessionKey', 'both', 'applied'],
    ['message', 'both', 'applied'],
    ['thinking', 'both', 'accepted'],
    ['deliver', 'both', 'ignored'],
    ['attachments', 'both', 'ignored'],
    ['timeoutMs', 'both', 'applied'],
    ['idempotencyKey', 'both', 'applied'],
    ['agentId', 'cur', 'ignored'],
    ['sessionId', 'cur', 'ignored'],
    ['mentions', 'cur', 'ignored'],
    ['workContext', 'cur', 'ignored'],
    ['intent', 'cur', 'ignored'],
    ['fastMode', 'cur', 'ignored'],
    ['fastAutoOnSeconds', 'cur', 'ignored'],
    ['queueMode', 'cur', 'ignored'],
    ['originatingChannel', 'cur', 'ignored'],
    ['originatingTo', 'cur', 'ignored'],
    ['originatingAccountId', 'cur', 'ignored'],
    ['originatingThreadId', 'cur', 'ignored'],
    ['replyToId', 'cur', 'ignored'],
    ['toolBindings', 'cur', 'ignored'],
    ['systemInputProvenance', 'cur', 'ignored'],
    ['systemProvenanceReceipt', 'cur', 'ignored'],
    ['suppressCommandInterpretation', 'cur', 'ignored'],
    ['expectedLeafEntryId', 'cur', 'ignored'],
    ['expectedSessionRoutingContract', 'cur', 'ignored'],
    ['expectedPermissionMode', 'cur', 'ignored'],
    ['expectedToolOverrides', 'cur', 'ignored'],
  ],
  'chat.history': [
    ['sessionKey', 'both', 'applied'],
    ['limit', 'both', 'applied'],
    ['agentId', 'cur', 'ignored'],
    ['cursor', 'cur', 'ignored'],
    ['maxBytes', 'cur', 'ignored'],
    ['offset', 'cur', 'ignored'],
    ['pendingBefore', 'cur', 'ignored'],
    ['inputRunIds', 'cur', 'ignored'],
    ['messageId', 'cur', 'ignored'],
    ['sessionId', 'cur', 'ignored'],
    ['maxChars', 'cur', 'ignored'],
  ],
  'chat.abort': [
    ['sessionKey', 'both', 'applied'],
    ['runId', 'both', 'applied'],
    ['agentId', 'cur', 'ignored'],
    ['preserveSideRuns', 'cur', 'ignored'],
  ],
  'sessions.list': [
    ['limit', 'both', 'ignored'],
    ['activeMinutes', 'both', 'ignored'],
    ['includeGlobal', 'both', 'ignored'],
    ['includeUnknown', 'both', 'ignored'],
    ['includeDerivedTitles', 'both', 'ignored'],
    ['includeLastMessage', 'both', 'ignored'],
    ['label', 'both', 'ignored'],
    ['spawnedBy', 'both', 'ignored'],
    ['agentId', 'both', 'ignored'],
    ['search', 'both', 'ignored'],
    ['offset', 'cur', 'ignored'],
    ['activeOnly', 'cur', 'ignored'],
    ['requireLastInteraction', 'cur', 'ignored'],
    ['sortBy', 'cur', 'ignored'],
    ['excludeSubagents', 'cur', 'ignored'],
    ['excludeCron', 'cur', 'ignored'],
    ['excludeSystem', 'cur', 'ignored'],
    ['configuredAgentsOnly', 'cur', 'ignored'],
    ['includeActivitySummary', 'cur', 'ignored'],
    ['projectId', 'cur', 'ignored'],
    ['workspaceDir', 'cur', 'ignored'],
    ['group', 'cur', 'ignored'],
    ['pinned', 'cur', 'ignored'],
    ['boardFace', 'cur', 'ignored'],
    ['hasBoard', 'cur', 'ignored'],
    ['creatorId', 'cur', 'ignored'],
    ['ownerId', 'cur', 'ignored'],
    ['ownerFirst', 'cur', 'ignored'],
    ['involvingMe', 'cur', 'ignored'],
    ['profileRelation', 'cur', 'ignored'],
    ['involvingProfileId', 'cur', 'ignored'],
    ['includePeople', 'cur', 'ignored'],
    ['archived', 'cur', 'ignored'],
  ],
  'channels.status': [
    ['probe', 'both', 'applied'],
    ['timeoutMs', 'both', 'ignored'],
    ['channel', 'cur', 'ignored'],
  ],
  'node.list': [],
  'node.describe': [['nodeId', 'both', 'applied']],
  'node.invoke': [
    ['nodeId', 'both', 'applied'],
    ['command', 'both', 'applied'],
    ['params', 'both', 'applied'],
    ['timeoutMs', 'both', 'applied'],
    ['idempotencyKey', 'both', 'applied'],
    ['sessionKey', 'cur', 'ignored'],
    ['turnSourceChannel', 'cur', 'ignored'],
    ['turnSourceTo', 'cur', 'ignored'],
    ['turnSourceAccountId', 'cur', 'ignored'],
    ['turnSourceThreadId', 'cur', 'ignored'],
  ],
  'node.invoke.result': [
    ['id', 'both', 'applied'],
    ['nodeId', 'both', 'applied'],
    ['ok', 'both', 'applied'],
    ['payload', 'both', 'applied'],
    ['payloadJSON', 'both', 'applied'],
    ['error', 'both', 'applied'],
  ],
  'node.event': [
    ['event', 'both', 'applied'],
    ['payload', 'both', 'applied'],
    ['payloadJSON', 'both', 'applied'],
  ],
  'node.rename': [
    ['nodeId', 'both', 'applied'],
    ['displayName', 'both', 'applied'],
  ],
  'node.pair.request': [
    ['nodeId', 'jan', 'applied'],
    ['displayName', 'jan', 'applied'],
    ['platform', 'jan', 'applied'],
    ['version', 'jan', 'applied'],
    ['coreVersion', 'jan', 'ignored'],
    ['uiVersion', 'jan', 'ignored'],
    ['deviceFamily', 'jan', 'ignored'],
    ['modelIdentifier', 'jan', 'ignored'],
    ['caps', 'jan', 'applied'],
    ['commands', 'jan', 'applied'],
    ['remoteIp', 'jan', 'ignored'],
    ['silent', 'jan', 'ignored'],
  ],
  'node.pair.list': [],
  'node.pair.approve': [['requestId', 'both', 'applied']],
  'node.pair.reject': [['requestId', 'both', 'applied']],
  'node.pair.verify': [
    ['nodeId', 'jan', 'applied'],
    ['token', 'jan', 'applied'],
  ],
  'device.pair.list': [],
  'device.pair.approve': [['requestId', 'both', 'applied']],
  'device.pair.reject': [['requestId', 'both', 'applied']],
  'device.token.rotate': [
    ['deviceId', 'both', 'applied'],
    ['role', 'both', 'applied'],
    ['scopes', 'both', 'ignored'],
  ],
  'device.token.revoke': [
    ['deviceId', 'both', 'applied'],
    ['role', 'both', 'applied'],
  ],
  'sessions.preview': [
    ['keys', 'both', 'applied'],
    ['limit', 'both', 'applied'],
    ['maxChars', 'both', 'applied'],
  ],
  // accepted: refused by name unless null (sessions.rpc), so no client is told a change was made that was not.
  'sessions.patch': [
    ['key', 'both', 'applied'],
    ['label', 'both', 'applied'],
    ['model', 'both', 'applied'],
    ['thinkingLevel', 'both', 'accepted'],
    ['verboseLevel', 'both', 'accepted'],
    ['reasoningLevel', 'both', 'accepted'],
    ['responseUsage', 'both', 'accepted'],
    ['elevatedLevel', 'both', 'accepted'],
    ['execHost', 'both', 'accepted'],
    ['execSecurity', 'both', 'accepted'],
    ['execAsk', 'both', 'accepted'],
    ['execNode', 'both', 'accepted'],
    ['spawnedBy', 'both', 'accepted'],
    ['sendPolicy', 'both', 'accepted'],
    ['groupActivation', 'both', 'accepted'],
    ['agentId', 'cur', 'accepted'],
    ['expectedSessionId', 'cur', 'applied'],
    ['autoLabel', 'cur', 'accepted'],
    ['icon', 'cur', 'accepted'],
    ['color', 'cur', 'accepted'],
    ['category', 'cur', 'accepted'],
    ['boardFace', 'cur', 'accepted'],
    ['boardPresentation', 'cur', 'accepted'],
    ['statusNote', 'cur', 'accepted'],
    ['attention', 'cur', 'accepted'],
    ['ttlMinutes', 'cur', 'accepted'],
    ['archived', 'cur', 'accepted'],
    ['pinned', 'cur', 'accepted'],
    ['unread', 'cur', 'accepted'],
    ['contextWindow', 'cur', 'accepted'],
    ['fastMode', 'cur', 'accepted'],
    ['toolOverrides', 'cur', 'accepted'],
    ['traceLevel', 'cur', 'accepted'],
    ['permissionMode', 'cur', 'accepted'],
    ['sandboxMode', 'cur', 'accepted'],
    ['nativeRuntimeConsent', 'cur', 'accepted'],
    ['agentRuntime', 'cur', 'accepted'],
    ['completionOwnerSessionKey', 'cur', 'accepted'],
    ['inheritedToolPolicyVersion', 'cur', 'accepted'],
    ['inheritedToolAllow', 'cur', 'accepted'],
    ['inheritedToolDeny', 'cur', 'accepted'],
    ['expectedLifecycleRevision', 'cur', 'accepted'],
    ['expectedPermissionMode', 'cur', 'accepted'],
    ['expectedSandboxMode', 'cur', 'accepted'],
    ['expectedNativeRuntimeConsent', 'cur', 'accepted'],
    ['expectedToolOverrides', 'cur', 'accepted'],
    ['expectedMarkedUnreadAt', 'cur', 'accepted'],
  ],
  'sessions.reset': [
    ['key', 'both', 'applied'],
    ['agentId', 'cur', 'accepted'],
    ['reason', 'cur', 'accepted'],
    ['expectedSessionId', 'cur', 'applied'],
  ],
  'sessions.delete': [
    ['key', 'both', 'applied'],
    ['deleteTranscript', 'both', 'applied'],
    ['agentId', 'cur', 'accepted'],
    ['expectedSessionId', 'cur', 'applied'],
    ['expectedLifecycleRevision', 'cur', 'applied'],
    ['expectedSessionUpdatedAt', 'cur', 'applied'],
    ['emitLifecycleHooks', 'cur', 'accepted'],
    ['archivedOnly', 'cur', 'applied'],
  ],
  'models.list': [
    ['agentId', 'cur', 'accepted'],
    ['sessionKey', 'cur', 'accepted'],
    ['authProfileId', 'cur', 'accepted'],
    ['provider', 'cur', 'applied'],
    ['includeDetails', 'cur', 'accepted'],
    ['includeProviderCapabilities', 'cur', 'accepted'],
    ['includeDefaultModels', 'cur', 'accepted'],
    ['preparedOnly', 'cur', 'applied'],
    ['refresh', 'cur', 'applied'],
    ['view', 'cur', 'accepted'],
  ],
  'logs.tail': [
    ['cursor', 'both', 'applied'],
    ['limit', 'both', 'applied'],
    ['maxBytes', 'both', 'applied'],
  ],
  'config.get': [],
  'config.schema': [],
  'config.set': [
    ['raw', 'both', 'applied'],
    ['baseHash', 'both', 'applied'],
  ],
  'config.patch': [
    ['raw', 'both', 'applied'],
    ['baseHash', 'both', 'applied'],
    ['sessionKey', 'both', 'accepted'],
    ['note', 'both', 'accepted'],
    ['restartDelayMs', 'both', 'applied'],
    ['deliveryContext', 'cur', 'ignored'],
    ['replacePaths', 'cur', 'applied'],
  ],
  'config.apply': [
    ['raw', 'both', 'applied'],
    ['baseHash', 'both', 'applied'],
    ['sessionKey', 'both', 'accepted'],
    ['note', 'both', 'accepted'],
    ['restartDelayMs', 'both', 'applied'],
    ['deliveryContext', 'cur', 'ignored'],
  ],
  'exec.approvals.get': [],
  'exec.approvals.set': [
    ['file', 'both', 'applied'],
    ['baseHash', 'both', 'applied'],
  ],
  'exec.approvals.node.get': [['nodeId', 'both', 'applied']],
  'exec.approvals.node.set': [
    ['nodeId', 'both', 'applied'],
    ['file', 'both', 'applied'],
    ['baseHash', 'both', 'applied'],
    // Refused by name (a node here has no host-native policy), not as an unknown field.
    ['native', 'cur', 'accepted'],
  ],
  'exec.approval.resolve': [
    ['id', 'both', 'applied'],
    ['decision', 'both', 'applied'],
    ['reviewer', 'cur', 'ignored'],
    ['grantExpiresInDays', 'cur', 'ignored'],
  ],
  // The current release registers it from its browser plugin without a schema; these are the fields its handler reads.
  'browser.request': [
    ['method', 'cur', 'applied'],
    ['path', 'cur', 'applied'],
    ['query', 'cur', 'applied'],
    ['body', 'cur', 'applied'],
    ['timeoutMs', 'cur', 'applied'],
  ],
};

/** Ours alone: the reference has no such method. */
const NESTCLAW_ONLY = ['channel.pair.approve', 'channel.pair.list', 'chat.media', 'exec.approval.list', 'security.audit'];
/** Same name, different shape on purpose (docs/protocol.md, "Exec approvals"). */
const DIFFERENT_SHAPE = ['exec.approval.request'];

function declaredFields(entry: RpcMethodEntry): string[] {
  if (!entry.params) return [];
  const metadata = getMetadataStorage().getTargetValidationMetadatas(entry.params, '', true, false);
  return [...new Set(metadata.map((m) => m.propertyName))];
}

function refusal(entry: RpcMethodEntry, params: Record<string, unknown>): RpcError | undefined {
  try {
    validateParams(entry.params, dropIgnoredReferenceParams(entry.name, params));
    return undefined;
  } catch (error) {
    return error as RpcError;
  }
}

describe('reference params', () => {
  let app: Awaited<ReturnType<typeof NestFactory.createApplicationContext>>;
  let registry: RpcRegistry;
  let stateDir: string;

  beforeAll(async () => {
    stateDir = makeStateDir();
    const config = loadConfig({ env: { NESTCLAW_STATE_DIR: stateDir }, homeDir: stateDir, readFile: () => undefined });
    const runtime = new GatewayRuntime(config, ['127.0.0.1'], Date.now(), '0.0.0-test', 'test-host');
    app = await NestFactory.createApplicationContext(
      AppModule.forRoot({ runtime, auth: new GatewayAuthSettings('token', 'x'.repeat(32), []) }),
      { logger: false },
    );
    registry = app.get(RpcRegistry);
  });

  afterAll(async () => {
    await app.close();
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  it('classifies every wire method as shared, nestclaw-only or differently shaped', () => {
    const classified = [...Object.keys(REFERENCE_PARAMS), ...NESTCLAW_ONLY, ...DIFFERENT_SHAPE].sort();
    expect(registry.names().sort()).toEqual(classified);
  });

  it('ignores exactly the fields the table marks ignored', () => {
    const fromTable = Object.fromEntries(
      Object.entries(REFERENCE_PARAMS)
        .map(([method, fields]) => [method, fields.filter(([, , t]) => t === 'ignored').map(([name]) => name)] as const)
        .filter(([, names]) => names.length > 0),
    );
    expect(IGNORED_REFERENCE_PARAMS).toEqual(fromTable);
  });

  describe.each(Object.entries(REFERENCE_PARAMS))('%s', (method, fields) => {
    it('declares in its DTO every field it applies or accepts, and none it ignores', () => {
      const declared = declaredFields(registry.get(method)!);
      for (const [name, , treatment] of fields) {
        expect({ name, declared: declared.includes(name) }).toEqual({ name, declared: treatment !== 'ignored' });
      }
    });

    it('never refuses a reference field as unknown', () => {
      const entry = registry.get(method)!;
      for (const [name] of fields) {
        const error = refusal(entry, { [name]: 'x' });
        expect(error?.message ?? '').not.toContain(`${name}: unknown field`);
      }
    });

    it('still refuses a field neither release knows', () => {
      const error = refusal(registry.get(method)!, { notAReferenceField: true });
      const fields = (error?.options.details as { fields?: string[] } | undefined)?.fields ?? [];
      const named = error?.message.includes('notAReferenceField: unknown field') || fields.includes('notAReferenceField');
      expect(named).toBe(true);
    });
  });
});
