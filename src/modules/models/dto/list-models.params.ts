import { IsBoolean, IsIn, IsOptional, IsString, MaxLength, MinLength } from '../../../common/validation/class-validator';

/**
 * The January reference takes `{}`; the current one adds these. They are
 * accepted so its clients work; only `refresh` changes anything here (one
 * endpoint, one agent), and `provider` filters.
 */
export class ListModelsParams {
  @IsOptional() @IsString() @MinLength(1) @MaxLength(200) agentId?: string;
  @IsOptional() @IsString() @MinLength(1) @MaxLength(200) sessionKey?: string;
  @IsOptional() @IsString() @MinLength(1) @MaxLength(200) authProfileId?: string;
  @IsOptional() @IsString() @MinLength(1) @MaxLength(200) provider?: string;
  @IsOptional() @IsBoolean() includeDetails?: boolean;
  @IsOptional() @IsBoolean() includeProviderCapabilities?: boolean;
  @IsOptional() @IsBoolean() includeDefaultModels?: boolean;
  @IsOptional() @IsBoolean() preparedOnly?: boolean;
  @IsOptional() @IsBoolean() refresh?: boolean;
  @IsOptional() @IsIn(['default', 'configured', 'provider-config', 'all']) view?: string;
}
