import { IsArray, IsOptional, IsString, MaxLength, MinLength } from '../../../common/validation/class-validator';

export class NodePairRequestParams {
  @IsString() @MinLength(1) @MaxLength(256) nodeId: string;
  @IsOptional() @IsString() @MaxLength(256) displayName?: string;
  @IsOptional() @IsString() @MaxLength(64) platform?: string;
  @IsOptional() @IsString() @MaxLength(64) version?: string;
  @IsOptional() @IsArray() @IsString({ each: true }) @MaxLength(128, { each: true }) caps?: string[];
  @IsOptional() @IsArray() @IsString({ each: true }) @MaxLength(128, { each: true }) commands?: string[];
}

export class NodePairVerifyParams {
  @IsString() @MinLength(1) @MaxLength(256) nodeId: string;
  @IsString() @MinLength(1) @MaxLength(512) token: string;
}
