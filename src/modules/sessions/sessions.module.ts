import { Module } from '@nestjs/common';
import { ModelsModule } from '../models/models.module';
import { SessionsRepository } from './sessions.repository';
import { SessionsRpc } from './sessions.rpc';
import { SessionsService } from './sessions.service';

@Module({
  imports: [ModelsModule],
  providers: [SessionsRepository, SessionsRpc, SessionsService],
  exports: [SessionsService],
})
export class SessionsModule {}
