import { Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { GatewayHttpAdapter } from '../gateway/http/gateway-http.adapter';
import { ControlUiService } from './control-ui.service';

@Module({
  providers: [ControlUiService],
})
export class ControlUiModule implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost<GatewayHttpAdapter>,
    private readonly controlUi: ControlUiService,
  ) {}

  /**
   * Registered on the HTTP adapter as middleware: the base path comes from config,
   * which a controller's static route cannot express. Nest adds its 404
   * handler only after module init hooks, so this still runs before it.
   */
  onModuleInit(): void {
    // An application context without HTTP (some tests build one) has no adapter.
    const adapter = this.adapterHost.httpAdapter;
    if (!this.controlUi.enabled || !adapter) return;
    adapter.use(this.controlUi.handle);
  }
}
