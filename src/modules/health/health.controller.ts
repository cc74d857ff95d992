import { Controller, Get, Header } from '@nestjs/common';

/** Liveness for Docker and systemd: no auth and deliberately no detail. */
@Controller()
export class HealthController {
  @Get('healthz')
  @Header('Cache-Control', 'no-store')
  healthz() {
    return { ok: true };
  }
}
