import { Module } from '@nestjs/common';
import { AuthRateLimiter } from './auth-rate-limiter';
import { DeviceVerifierService } from './device-verifier.service';
import { SharedSecretAuthService } from './shared-secret-auth.service';
import { TailscaleIdentityService } from './tailscale-identity.service';

@Module({
  providers: [AuthRateLimiter, DeviceVerifierService, SharedSecretAuthService, TailscaleIdentityService],
  exports: [AuthRateLimiter, DeviceVerifierService, SharedSecretAuthService, TailscaleIdentityService],
})
export class AuthModule {}
