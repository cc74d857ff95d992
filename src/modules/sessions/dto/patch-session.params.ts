import { Allow, IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from '../../../common/validation/class-validator';
import { SessionKeyParams } from './session-key.params';

/** The reference's label limit. */
export const SESSION_LABEL_MAX_LENGTH = 64;

/**
 * The reference's SessionsPatchParams. nestclaw applies `label` and `model`;
 * the other fields are accepted as the reference spells them, and a value for
 * one of them (anything but null, which means "unset") is refused by name.
 * null clears a field; an absent field is left as it is.
 */
export class PatchSessionParams extends SessionKeyParams {
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(SESSION_LABEL_MAX_LENGTH)
  @Matches(/^[^\p{Cc}]*\S[^\p{Cc}]*$/u, { message: '$property must be printable text, not only spaces' })
  label?: string | null;
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @Matches(/^[\x21-\x7e]+$/, { message: '$property must be a model id such as gpt-4o-mini (see `nestclaw models list`)' })
  model?: string | null;
  @IsOptional() @IsString() @MaxLength(200) agentId?: string;
  @IsOptional() @IsString() @MaxLength(100) thinkingLevel?: string | null;
  @IsOptional() @IsString() @MaxLength(100) verboseLevel?: string | null;
  @IsOptional() @IsString() @MaxLength(100) reasoningLevel?: string | null;
  @IsOptional() @IsIn(['off', 'tokens', 'full', 'on']) responseUsage?: string | null;
  @IsOptional() @IsString() @MaxLength(100) elevatedLevel?: string | null;
  @IsOptional() @IsString() @MaxLength(100) execHost?: string | null;
  @IsOptional() @IsString() @MaxLength(100) execSecurity?: string | null;
  @IsOptional() @IsString() @MaxLength(100) execAsk?: string | null;
  @IsOptional() @IsString() @MaxLength(200) execNode?: string | null;
  @IsOptional() @IsString() @MaxLength(200) spawnedBy?: string | null;
  @IsOptional() @IsIn(['allow', 'deny']) sendPolicy?: string | null;
  @IsOptional() @IsIn(['mention', 'always']) groupActivation?: string | null;
  /** The current reference's guard: refused when the session was reset since (like sessions.reset). */
  @IsOptional() @IsString() @MaxLength(200) expectedSessionId?: string;
}

/**
 * Fields only the current reference release patches (its sessions UI,
 * permissions, guards on state nestclaw does not keep). Declared without
 * value checks: their values are never read, only their names, and any value
 * but null is refused by name, so a client is never told a change it asked
 * for was made when it was not.
 */
export const CURRENT_REFERENCE_PATCH_FIELDS = [
  'autoLabel',
  'icon',
  'color',
  'category',
  'boardFace',
  'boardPresentation',
  'statusNote',
  'attention',
  'ttlMinutes',
  'archived',
  'pinned',
  'unread',
  'contextWindow',
  'fastMode',
  'toolOverrides',
  'traceLevel',
  'permissionMode',
  'sandboxMode',
  'nativeRuntimeConsent',
  'agentRuntime',
  'completionOwnerSessionKey',
  'inheritedToolPolicyVersion',
  'inheritedToolAllow',
  'inheritedToolDeny',
  'expectedLifecycleRevision',
  'expectedPermissionMode',
  'expectedSandboxMode',
  'expectedNativeRuntimeConsent',
  'expectedToolOverrides',
  'expectedMarkedUnreadAt',
] as const;
for (const field of CURRENT_REFERENCE_PATCH_FIELDS) Allow()(PatchSessionParams.prototype, field);

/** Fields of PatchSessionParams nestclaw stores. */
export const APPLIED_PATCH_FIELDS = ['label', 'model'] as const;
/** Fields the reference defines that do not name a change. */
export const IDENTITY_PATCH_FIELDS = ['key', 'agentId', 'expectedSessionId'] as const;
