import { Module } from '@nestjs/common';
import { AuthRateLimiter } from './auth-rate-limiter';
import { DeviceVerifierService } from './device-verifier.service';
import { SharedSecretAuthService } from './shared-secret-auth.service';

@Module({
  providers: [AuthRateLimiter, DeviceVerifierService, SharedSecretAuthService],
  exports: [AuthRateLimiter, DeviceVerifierService, SharedSecretAuthService],
})
export class AuthModule {}
