import { Module } from '@nestjs/common';
import { GatewayCoreModule } from '../gateway/gateway-core.module';
import { ApprovalsRpc } from './approvals.rpc';
import { ExecApprovalsService } from './exec-approvals.service';
import { HostExecAllowlistRepository } from './host-exec-allowlist.repository';

@Module({
  imports: [GatewayCoreModule],
  providers: [ApprovalsRpc, ExecApprovalsService, HostExecAllowlistRepository],
  exports: [ExecApprovalsService],
})
export class ApprovalsModule {}
