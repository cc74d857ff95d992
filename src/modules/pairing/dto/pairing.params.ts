import { IsBoolean, IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from '../../../common/validation/class-validator';
import { ROLES } from '../../../common/protocol';

const DEVICE_ID = /^[0-9a-f]{64}$/;

export class PairRequestIdParams {
  @IsString() @MinLength(1) @MaxLength(128) requestId: string;
}

export class RotateDeviceTokenParams {
  @IsString() @Matches(DEVICE_ID, { message: 'deviceId must be the 64-hex-digit device id' }) deviceId: string;
  @IsIn(ROLES) role: string;
}

export class RevokeDeviceTokenParams {
  @IsString() @Matches(DEVICE_ID, { message: 'deviceId must be the 64-hex-digit device id' }) deviceId: string;
  @IsOptional() @IsIn(ROLES) role?: string;
  /** Our addition: also forget the pairing, so the device must be approved again. */
  @IsOptional() @IsBoolean() unpair?: boolean;
}
