import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';

/** Run ids; injectable so tests can predict them. */
@Injectable()
export class AgentIds {
  runId(): string {
    return randomUUID();
  }
}
