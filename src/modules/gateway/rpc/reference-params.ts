/**
 * Params fields that a reference release's schema accepts (the January
 * release, protocol 3, or the current one, protocol 4) but that nestclaw does
 * not act on. The dispatcher drops them before the method's DTO validates
 * what is left, so the reference's own clients are not refused for sending
 * them, while a field neither release knows is still refused as unknown.
 * Their values are never read, so they need no validation beyond the frame's
 * size and depth budget. Fields nestclaw applies live in the DTOs instead.
 * The meta-test test/unit/reference-params.spec.ts holds the whole table per
 * method (applied / accepted / ignored); docs/protocol.md says why.
 */
export const IGNORED_REFERENCE_PARAMS: Readonly<Record<string, readonly string[]>> = {
  // The health snapshot is always current; platform probes are channels.status {probe}.
  health: ['probe'],
  status: ['includeChannelSummary', 'includeCliProjection'],
  send: [
    'mediaUrl',
    'mediaUrls',
    'gifPlayback',
    'buffer',
    'filename',
    'contentType',
    'asVoice',
    'agentId',
    'replyToId',
    'threadId',
    'forceDocument',
    'silent',
    'parseMode',
  ],
  agent: [
    'agentId',
    'replyTo',
    'sessionId',
    'attachments',
    'replyChannel',
    'replyAccountId',
    'threadId',
    'groupId',
    'groupChannel',
    'groupSpace',
    'spawnedBy',
    'provider',
    'model',
    'expectedExistingSessionId',
    'bestEffortDeliver',
    'cwd',
    'cleanupBundleMcpOnRunEnd',
    'modelRun',
    'promptMode',
    'bootstrapContextMode',
    'bootstrapContextRunKind',
    'acpTurnSource',
    'internalRuntimeHandoffId',
    'internalExecutionIdentityRetry',
    'internalExecutionIdentityRecoveryAttempt',
    'execApprovalFollowupExpectedSessionId',
    'internalEvents',
    'inputProvenance',
    'suppressPromptPersistence',
    'sessionEffects',
    'sourceReplyDeliveryMode',
    'disableMessageTool',
    'swarmCollector',
    'swarmOutputSchema',
    'forceRestartSafeTools',
    'forceCodeModeTools',
    'voiceWakeTrigger',
  ],
  'chat.send': [
    'deliver',
    'attachments',
    'agentId',
    'sessionId',
    'mentions',
    'workContext',
    'intent',
    'fastMode',
    'fastAutoOnSeconds',
    'queueMode',
    'originatingChannel',
    'originatingTo',
    'originatingAccountId',
    'originatingThreadId',
    'replyToId',
    'toolBindings',
    'systemInputProvenance',
    'systemProvenanceReceipt',
    'suppressCommandInterpretation',
    'expectedLeafEntryId',
    'expectedSessionRoutingContract',
    'expectedPermissionMode',
    'expectedToolOverrides',
  ],
  'chat.history': [
    'agentId',
    'cursor',
    'maxBytes',
    'offset',
    'pendingBefore',
    'inputRunIds',
    'messageId',
    'sessionId',
    'maxChars',
  ],
  'chat.abort': ['agentId', 'preserveSideRuns'],
  'sessions.list': [
    'limit',
    'activeMinutes',
    'includeGlobal',
    'includeUnknown',
    'includeDerivedTitles',
    'includeLastMessage',
    'label',
    'spawnedBy',
    'agentId',
    'search',
    'offset',
    'activeOnly',
    'requireLastInteraction',
    'sortBy',
    'excludeSubagents',
    'excludeCron',
    'excludeSystem',
    'configuredAgentsOnly',
    'includeActivitySummary',
    'projectId',
    'workspaceDir',
    'group',
    'pinned',
    'boardFace',
    'hasBoard',
    'creatorId',
    'ownerId',
    'ownerFirst',
    'involvingMe',
    'profileRelation',
    'involvingProfileId',
    'includePeople',
    'archived',
  ],
  'channels.status': ['timeoutMs', 'channel'],
  'node.invoke': ['sessionKey', 'turnSourceChannel', 'turnSourceTo', 'turnSourceAccountId', 'turnSourceThreadId'],
  'node.pair.request': ['coreVersion', 'uiVersion', 'deviceFamily', 'modelIdentifier', 'remoteIp', 'silent'],
  'device.token.rotate': ['scopes'],
  'exec.approval.resolve': ['reviewer', 'grantExpiresInDays'],
  // Restart notices go out as `shutdown`/`config` events, not to a chat. replacePaths is declared by the
  // config.patch DTO and refused when non-empty, so a client is never told a replacement happened that did not.
  'config.apply': ['deliveryContext'],
  'config.patch': ['deliveryContext'],
};

/** One method's ignored fields as a set, looked up once when the method is registered rather than on every call. */
export function ignoredReferenceParams(method: string): ReadonlySet<string> | undefined {
  return Object.hasOwn(IGNORED_REFERENCE_PARAMS, method) ? new Set(IGNORED_REFERENCE_PARAMS[method]) : undefined;
}

/** params without the fields the method accepts only to ignore them; params itself is not changed. */
export function dropIgnoredReferenceParams(method: string, params: unknown): unknown {
  return withoutIgnoredParams(ignoredReferenceParams(method), params);
}

/** dropIgnoredReferenceParams with the method's set already at hand (RpcMethodEntry.ignoredParams). */
export function withoutIgnoredParams(ignored: ReadonlySet<string> | undefined, params: unknown): unknown {
  if (!ignored || typeof params !== 'object' || params === null || Array.isArray(params)) return params;
  if (!Object.keys(params).some((key) => ignored.has(key))) return params;
  // fromEntries defines own properties, so a "__proto__" key stays one and validation still refuses it.
  return Object.fromEntries(Object.entries(params).filter(([key]) => !ignored.has(key)));
}
