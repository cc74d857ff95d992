import { Module } from '@nestjs/common';
import { GatewayCoreModule } from '../gateway/gateway-core.module';
import { ApprovalsRpc } from './approvals.rpc';
import { ExecApprovalsService } from './exec-approvals.service';
import { HostExecApprovalsRepository } from './host-exec-approvals.repository';
import { ExecAllowlistsService } from './exec-allowlists.service';
import { HostApprovalsFileRepository } from './host-approvals-file.repository';
import { NodesModule } from '../nodes/nodes.module';

@Module({
  imports: [GatewayCoreModule, NodesModule],
  providers: [
    ApprovalsRpc,
    ExecApprovalsService,
    HostExecApprovalsRepository,
    ExecAllowlistsService,
    HostApprovalsFileRepository,
  ],
  exports: [ExecApprovalsService],
})
export class ApprovalsModule {}
