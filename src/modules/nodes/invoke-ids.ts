import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';

/** Ids of `node.invoke.request`s; a class so tests can make them predictable. */
@Injectable()
export class InvokeIds {
  next(): string {
    return randomUUID();
  }
}
