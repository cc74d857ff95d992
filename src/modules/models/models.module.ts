import { Module } from '@nestjs/common';
import { ModelsClient } from './models.client';
import { ModelsRpc } from './models.rpc';
import { ModelsService } from './models.service';

@Module({
  providers: [ModelsClient, ModelsRpc, ModelsService],
  exports: [ModelsService],
})
export class ModelsModule {}
