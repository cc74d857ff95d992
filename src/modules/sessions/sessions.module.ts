import { Module } from '@nestjs/common';
import { SessionsRepository } from './sessions.repository';
import { SessionsRpc } from './sessions.rpc';
import { SessionsService } from './sessions.service';

@Module({
  providers: [SessionsRepository, SessionsRpc, SessionsService],
  exports: [SessionsService],
})
export class SessionsModule {}
