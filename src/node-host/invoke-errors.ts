import type { InvokeErrorShape } from './invoke-types';

export const InvokeErrorCode = {
  UnknownCommand: 'UNKNOWN_COMMAND',
  InvalidParams: 'INVALID_PARAMS',
  ExecDenied: 'EXEC_DENIED',
  /** Something failed on the node that the caller cannot fix; details stay in the node's log. */
  Internal: 'NODE_ERROR',
} as const;
export type InvokeErrorCode = (typeof InvokeErrorCode)[keyof typeof InvokeErrorCode];

/** A refusal the dispatcher sends back as `ok:false` with this code and message. */
export class InvokeError extends Error {
  override name = 'InvokeError';

  constructor(
    readonly code: InvokeErrorCode,
    message: string,
  ) {
    super(message);
  }

  toShape(): InvokeErrorShape {
    return { code: this.code, message: this.message };
  }
}

export const InvokeErrors = {
  unknownCommand: (command: string, known: readonly string[]) =>
    new InvokeError(InvokeErrorCode.UnknownCommand, `unknown command "${command}": this node serves ${known.join(', ')}`),
  invalidParams: (message: string) => new InvokeError(InvokeErrorCode.InvalidParams, message),
  execDenied: (message: string) => new InvokeError(InvokeErrorCode.ExecDenied, message),
  internal: () => new InvokeError(InvokeErrorCode.Internal, 'the node failed to run the command; see the node host log'),
};
