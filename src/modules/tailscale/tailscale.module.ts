import { Global, Module } from '@nestjs/common';
import { TailscaleCli } from './tailscale-cli.repository';
import { TailscaleService } from './tailscale.service';

/**
 * Global like the runtime it describes: auth asks it for `whois`, status
 * reports the exposure, and neither should have to know the other's imports.
 */
@Global()
@Module({
  providers: [TailscaleCli, TailscaleService],
  exports: [TailscaleCli, TailscaleService],
})
export class TailscaleModule {}
