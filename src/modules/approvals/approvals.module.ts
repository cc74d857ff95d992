import { Module } from '@nestjs/common';
import { GatewayCoreModule } from '../gateway/gateway-core.module';
import { ApprovalsRpc } from './approvals.rpc';
import { ExecApprovalsService } from './exec-approvals.service';
import { HostExecApprovalsRepository } from './host-exec-approvals.repository';

@Module({
  imports: [GatewayCoreModule],
  providers: [ApprovalsRpc, ExecApprovalsService, HostExecApprovalsRepository],
  exports: [ExecApprovalsService],
})
export class ApprovalsModule {}
