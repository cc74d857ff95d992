import { Type } from 'class-transformer';
import {
  Allow,
  IsBoolean,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  MinLength,
  ValidateNested,
} from '../../../common/validation/class-validator';
import { MAX_NODE_ERROR_MESSAGE_LENGTH } from '../../../common/protocol';

export class NodeInvokeErrorParams {
  @IsOptional() @IsString() @MaxLength(128) code?: string;
  @IsOptional() @IsString() @MaxLength(MAX_NODE_ERROR_MESSAGE_LENGTH) message?: string;
}

export class NodeInvokeResultParams {
  @IsString() @MinLength(1) @MaxLength(128) id: string;
  @IsString() @MinLength(1) @MaxLength(256) nodeId: string;
  @IsBoolean() ok: boolean;
  /** Any JSON value. */
  @Allow() payload?: unknown;
  @IsOptional() @IsString() payloadJSON?: string;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => NodeInvokeErrorParams) error?: NodeInvokeErrorParams;
}
