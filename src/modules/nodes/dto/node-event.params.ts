import { Allow, IsOptional, IsString, MaxLength, MinLength } from '../../../common/validation/class-validator';

export class NodeEventParams {
  @IsString() @MinLength(1) @MaxLength(128) event: string;
  /** Any JSON value. */
  @Allow() payload?: unknown;
  @IsOptional() @IsString() payloadJSON?: string;
}
