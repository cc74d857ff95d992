import { Module } from '@nestjs/common';
import { LogsRpc } from './logs.rpc';

/** `logs.tail`; the LogsService itself is made before Nest and shared by RuntimeConfigModule. */
@Module({ providers: [LogsRpc] })
export class LogsModule {}
